// The ledger on PostgreSQL, shared by the coordinator and every worker.
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Schema, Stream } from "effect"
import { DatabaseError } from "./errors.js"
import { JobClaim, JobResult, TrainJob } from "./job.js"
import { JobLedger } from "./ledger.js"
import { dbError } from "./postgres.js"
import { makeWake } from "./wake.js"

const encodeJob = Schema.encodeSync(Schema.parseJson(TrainJob))
const decodeJob = Schema.decodeUnknown(Schema.parseJson(TrainJob))
const encodeResult = Schema.encodeSync(Schema.parseJson(JobResult))
const decodeResult = Schema.decodeUnknown(Schema.parseJson(JobResult))

const decodeRow = <A>(what: string, decode: (u: unknown) => Effect.Effect<A, unknown>) => (text: unknown) =>
  Effect.mapError(decode(text), (error) => new DatabaseError({ message: `PostgreSQL: a stored ${what} does not decode: ${String(error)}` }))

interface ClaimRow {
  readonly job_id: string
  readonly claim: number
  readonly worker: string
  readonly claimed_at: string
}

const decodeClaims = (rows: ReadonlyArray<ClaimRow>) =>
  Effect.forEach(rows, (row) =>
    decodeRow("claim", Schema.decodeUnknown(JobClaim))({ jobId: row.job_id, claim: row.claim, worker: row.worker, claimedAt: row.claimed_at })
  )

/** The channel a worker NOTIFYs after writing a result (the payload is the run's tag). */
const RESULTS_CHANNEL = "autoresearch_results"

export const makePgLedger = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const pg = yield* PgClient.PgClient
  const scope = yield* Effect.scope
  // LISTEN only in a process that waits for results (the coordinator), from its first wait on.
  const written = makeWake()
  let listening = false
  const listen = Effect.suspend(() => {
    if (listening) return Effect.void
    listening = true
    return pg.listen(RESULTS_CHANNEL).pipe(
      Stream.runForEach(() => Effect.sync(written.pulse)),
      // A LISTEN connection that drops (a server restart) goes silent without an error: listen
      // afresh every 30 s. Without notifications the coordinator still polls.
      Effect.timeout("30 seconds"),
      Effect.catchAllCause(() => Effect.void),
      Effect.forever,
      Effect.forkIn(scope),
      Effect.asVoid
    )
  })
  return JobLedger.of({
    recordOffers: (jobs) => {
      if (jobs.length === 0) return Effect.void
      const offeredAt = new Date().toISOString()
      const rows = jobs.map((job) => ({ id: job.id, tag: job.tag, experiment: job.experiment, job: encodeJob(job), offered_at: offeredAt }))
      return sql`INSERT INTO autoresearch_jobs ${sql.insert(rows)} ON CONFLICT (id) DO NOTHING`.pipe(
        Effect.asVoid,
        Effect.mapError(dbError("recording offered jobs"))
      )
    },
    claim: (jobId, worker) =>
      sql<{ claim: number }>`INSERT INTO autoresearch_claims (job_id, claim, worker, claimed_at)
          SELECT ${jobId}, COALESCE(MAX(claim), 0) + 1, ${worker}, ${new Date().toISOString()}
          FROM autoresearch_claims WHERE job_id = ${jobId}
          RETURNING claim`.pipe(
        // Two claims of one job at the same instant collide on the key: count again.
        Effect.retry({ times: 3 }),
        Effect.map((rows) => rows[0]!.claim),
        Effect.mapError(dbError("counting a claim"))
      ),
    // The write also wakes the coordinator (NOTIFY, sent when it commits) rather than at its
    // next poll, in the same round trip. pg_notify, not PgClient.notify: that sends
    // `NOTIFY channel, $1`, which PostgreSQL refuses.
    writeResult: (result) =>
      sql<{ job_id: string }>`WITH kept AS (
            INSERT INTO autoresearch_results (job_id, tag, result)
            VALUES (${result.jobId}, ${result.tag}, ${encodeResult(result)})
            ON CONFLICT (job_id) DO NOTHING
            RETURNING job_id
          )
          SELECT job_id, pg_notify(${RESULTS_CHANNEL}, ${result.tag}) FROM kept`.pipe(
        Effect.map((rows) => rows.length === 1),
        Effect.mapError(dbError("writing a result"))
      ),
    awaitResults: (seconds) => Effect.zipRight(listen, written.wait(seconds)),
    results: (jobIds) =>
      jobIds.length === 0
        ? Effect.succeed([])
        : sql<{ result: string }>`SELECT result FROM autoresearch_results WHERE ${sql.in("job_id", jobIds)}`.pipe(
            Effect.mapError(dbError("reading results")),
            Effect.flatMap((rows) => Effect.forEach(rows, (row) => decodeRow("result", decodeResult)(row.result)))
          ),
    offered: (tag) =>
      sql<{ job: string }>`SELECT job FROM autoresearch_jobs WHERE tag = ${tag} ORDER BY experiment, id`.pipe(
        Effect.mapError(dbError("reading offered jobs")),
        Effect.flatMap((rows) => Effect.forEach(rows, (row) => decodeRow("job", decodeJob)(row.job)))
      ),
    claims: (tag) =>
      sql<ClaimRow>`
          SELECT c.job_id, c.claim, c.worker, c.claimed_at FROM autoresearch_claims c
          JOIN autoresearch_jobs j ON j.id = c.job_id
          WHERE j.tag = ${tag} ORDER BY c.claimed_at, c.job_id, c.claim`.pipe(Effect.mapError(dbError("reading claims")), Effect.flatMap(decodeClaims)),
    claimsOf: (jobIds) =>
      jobIds.length === 0
        ? Effect.succeed([])
        : sql<ClaimRow>`
            SELECT job_id, claim, worker, claimed_at FROM autoresearch_claims
            WHERE ${sql.in("job_id", jobIds)} ORDER BY claimed_at, job_id, claim`.pipe(Effect.mapError(dbError("reading claims")), Effect.flatMap(decodeClaims))
  })
})

export const PgLedger = { layer: Layer.scoped(JobLedger, makePgLedger) }
