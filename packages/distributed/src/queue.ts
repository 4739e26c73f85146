// The job queue on @effect/experimental's PersistedQueue: in this process's memory for
// `--parallel N` on one machine, or on PostgreSQL through @effect/sql's SqlPersistedQueue
// (workers claim with FOR UPDATE SKIP LOCKED and hold a lease they renew while they train).
import * as PersistedQueue from "@effect/experimental/PersistedQueue"
import { SqlClient } from "@effect/sql"
import * as SqlPersistedQueue from "@effect/sql/SqlPersistedQueue"
import { Context, Duration, Effect, Layer, Option } from "effect"
import { DatabaseError, QueueError } from "./errors.js"
import { TRAIN_QUEUE, TrainJob } from "./job.js"
import { migrate, withMigrationLock } from "./postgres.js"

export class JobQueue extends Context.Tag("@autoresearch/distributed/JobQueue")<
  JobQueue,
  {
    /** Adds a job unless one with its id is queued or done already. */
    readonly offer: (job: TrainJob) => Effect.Effect<void, QueueError>
    /**
     * Waits for a job and runs `f` on it while holding its lease. Success marks the job done;
     * a failure puts it back (PersistedQueue's attempts); a process killed mid-job loses its
     * lease, and the job goes to another worker when the lease expires.
     */
    readonly take: <A, E, R>(
      f: (job: TrainJob, meta: { readonly attempts: number }) => Effect.Effect<A, E, R>
    ) => Effect.Effect<A, E | QueueError, R>
  }
>() {}

/** How long a claim lasts without renewal, and how often a live worker renews it. */
export interface LeaseOptions {
  /** A killed worker's job is offered again after this long (default 60 s). */
  readonly leaseSeconds?: number
  /** Renewal period of a live worker's leases (default leaseSeconds / 4). */
  readonly renewSeconds?: number
  /** How often an idle worker looks for new jobs (default 0.2 s). */
  readonly pollSeconds?: number
}

/** A failing job is retried this many times by the queue before it is given up. */
export const MAX_ATTEMPTS = 3

const makeJobQueue = Effect.gen(function* () {
  const queue = yield* PersistedQueue.make({ name: TRAIN_QUEUE, schema: TrainJob })
  return JobQueue.of({
    offer: (job) =>
      queue.offer(job, { id: job.id }).pipe(
        Effect.asVoid,
        Effect.mapError((error) => new QueueError({ message: `could not queue job ${job.id}: ${error.message}`, cause: error }))
      ),
    take: (f) =>
      queue.take((job, meta) => f(job, meta), { maxAttempts: MAX_ATTEMPTS }).pipe(
        Effect.catchIf(
          (error): error is PersistedQueue.PersistedQueueError | import("effect/ParseResult").ParseError =>
            typeof error === "object" && error !== null && "_tag" in error && (error._tag === "PersistedQueueError" || error._tag === "ParseError"),
          (error) => Effect.fail(new QueueError({ message: `the job queue failed: ${error.message}`, cause: error }))
        )
      )
  })
})

/**
 * PersistedQueue's memory store wakes every waiting taker for one new element; all but the
 * first then find the queue empty and die with "unsafeHead: empty iterable" before taking
 * anything. Nothing is lost, so such a taker simply waits again.
 */
const memoryStoreForManyTakers = Layer.effect(
  PersistedQueue.PersistedQueueStore,
  Effect.map(PersistedQueue.PersistedQueueStore, (store) => {
    const take = (options: Parameters<typeof store.take>[0]): ReturnType<typeof store.take> =>
      store.take(options).pipe(
        Effect.catchSomeDefect((defect) =>
          defect instanceof Error && defect.message.includes("empty iterable") ? Option.some(Effect.suspend(() => take(options))) : Option.none()
        )
      )
    return PersistedQueue.PersistedQueueStore.of({ offer: store.offer, take })
  })
).pipe(Layer.provide(PersistedQueue.layerStoreMemory))

/** The queue in memory (one process: the coordinator and its local workers). */
export const memoryQueue: Layer.Layer<JobQueue> = Layer.effect(JobQueue, makeJobQueue).pipe(
  Layer.provide(PersistedQueue.layer),
  Layer.provide(memoryStoreForManyTakers)
)

/** The queue on PostgreSQL, in the table `effect_queue` SqlPersistedQueue creates. */
export const postgresQueue = (lease: LeaseOptions = {}): Layer.Layer<JobQueue, DatabaseError, SqlClient.SqlClient> => {
  const leaseSeconds = lease.leaseSeconds ?? 60
  const store = Layer.scoped(
    PersistedQueue.PersistedQueueStore,
    // Our tables and SqlPersistedQueue's are created under one lock: many processes start at once.
    withMigrationLock(
      Effect.zipRight(
        migrate,
        SqlPersistedQueue.make({
          lockExpiration: Duration.seconds(leaseSeconds),
          lockRefreshInterval: Duration.seconds(lease.renewSeconds ?? leaseSeconds / 4),
          pollInterval: Duration.seconds(lease.pollSeconds ?? 0.2)
        })
      )
    )
  ).pipe(Layer.mapError((error) => new DatabaseError({ message: `PostgreSQL: creating the job queue failed: ${error.message}`, cause: error })))
  return Layer.effect(JobQueue, makeJobQueue).pipe(Layer.provide(PersistedQueue.layer), Layer.provide(store))
}
