// Riding out a database that is briefly away.
import { Effect, Schedule } from "effect"

/**
 * The database may go away for a while (a PostgreSQL restart, a network blip): the ledger and
 * the queue are retried for up to two minutes before the coordinator gives up. Every write
 * here is idempotent, so a retry never records anything twice.
 */
export const outlastOutage = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.retry(effect, { schedule: Schedule.exponential("200 millis", 1.5).pipe(Schedule.either(Schedule.spaced("5 seconds")), Schedule.upTo("2 minutes")) })
