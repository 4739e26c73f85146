// The ledger of distributed work: which jobs a run offered, every claim of a job by a worker,
// and the one result per job. The queue moves jobs; the ledger is what the coordinator, the
// retries and the dashboard read. Result writes are idempotent: a stalled worker that
// finishes after its lease ran out finds the result already written and changes nothing.
import { Context, Effect, Layer } from "effect"
import type { DatabaseError } from "./errors.js"
import type { JobClaim, JobResult, TrainJob } from "./job.js"
import { makeWake } from "./wake.js"

export class JobLedger extends Context.Tag("@autoresearch/distributed/JobLedger")<
  JobLedger,
  {
    /** Records jobs as offered by their run (idempotent by id), in one write. */
    readonly recordOffers: (jobs: ReadonlyArray<TrainJob>) => Effect.Effect<void, DatabaseError>
    /** Counts one more claim of the job by `worker`; returns the claim's number (1 = first). */
    readonly claim: (jobId: string, worker: string) => Effect.Effect<number, DatabaseError>
    /** Writes the job's result unless one exists; true when this write was the one kept. */
    readonly writeResult: (result: JobResult) => Effect.Effect<boolean, DatabaseError>
    /** The results of the given jobs that exist. */
    readonly results: (jobIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<JobResult>, DatabaseError>
    /** Every job the run offered, by experiment (a restarted coordinator re-offers the unrecorded). */
    readonly offered: (tag: string) => Effect.Effect<ReadonlyArray<TrainJob>, DatabaseError>
    /** Every claim of the run's jobs, oldest first: which worker ran what, when. */
    readonly claims: (tag: string) => Effect.Effect<ReadonlyArray<JobClaim>, DatabaseError>
    /**
     * Waits until a result may have been written (the ledger heard of one) or `seconds` passed:
     * the coordinator's wait between polls, cut short when a worker finishes.
     */
    readonly awaitResults: (seconds: number) => Effect.Effect<void>
    /** Every claim of the given jobs, oldest first (the jobs in flight: who runs them, since when). */
    readonly claimsOf: (jobIds: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<JobClaim>, DatabaseError>
  }
>() {}

/** The ledger in this process's memory: `--parallel N` on one machine needs no database. */
export const makeMemoryLedger = (): JobLedger["Type"] => {
  const jobs = new Map<string, TrainJob>()
  const claims: Array<JobClaim> = []
  const results = new Map<string, JobResult>()
  const written = makeWake()
  return {
    recordOffers: (offered) =>
      Effect.sync(() => {
        for (const job of offered) if (!jobs.has(job.id)) jobs.set(job.id, job)
      }),
    claim: (jobId, worker) =>
      Effect.sync(() => {
        const claim = claims.filter((c) => c.jobId === jobId).length + 1
        claims.push({ jobId, claim, worker, claimedAt: new Date().toISOString() })
        return claim
      }),
    writeResult: (result) =>
      Effect.sync(() => {
        if (results.has(result.jobId)) return false
        results.set(result.jobId, result)
        written.pulse()
        return true
      }),
    awaitResults: written.wait,
    results: (jobIds) => Effect.sync(() => jobIds.flatMap((id) => results.get(id) ?? [])),
    offered: (tag) => Effect.sync(() => [...jobs.values()].filter((job) => job.tag === tag)),
    claims: (tag) =>
      Effect.sync(() => claims.filter((c) => jobs.get(c.jobId)?.tag === tag)),
    claimsOf: (jobIds) =>
      Effect.sync(() => {
        const wanted = new Set(jobIds)
        return claims.filter((c) => wanted.has(c.jobId))
      })
  }
}

export const MemoryLedger = { layer: (): Layer.Layer<JobLedger> => Layer.sync(JobLedger, makeMemoryLedger) }
