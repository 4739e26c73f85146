// The coordinator's side of the queue: keeps `parallel` jobs in flight, collects each job's
// one result and hands it on. It holds nothing the database does not: a coordinator killed
// with -9 and started again re-offers every job it offered and never recorded (the queue and
// the ledger ignore an id they already have) and goes on collecting their results.
import { Effect } from "effect"
import { outlastOutage } from "./outage.js"
import type { DatabaseError, QueueError } from "./errors.js"
import type { JobResult, TrainJob } from "./job.js"
import { JobLedger } from "./ledger.js"
import { JobQueue } from "./queue.js"

const OFFER_CONCURRENCY = 16



export interface DispatchOptions<E, R> {
  readonly tag: string
  /** Jobs kept in flight (the number of workers, usually). */
  readonly parallel: number
  /** How often the ledger is asked for finished jobs (default 0.1 s). */
  readonly pollSeconds?: number
  /** True for a job whose result is already recorded (a restart skips it). */
  readonly isRecorded: (job: TrainJob) => boolean
  /**
   * Makes the next job (its commit already on the remote); "later" when none can be made until
   * a result comes (e.g. the baseline is still running); undefined when there are no more.
   */
  readonly next: (inFlight: ReadonlyArray<TrainJob>) => Effect.Effect<TrainJob | "later" | undefined, E, R>
  /** Records one finished job (called once per job, as results are found); may ask for a follow-up job. */
  readonly onResult: (result: JobResult, job: TrainJob) => Effect.Effect<TrainJob | void, E, R>
  /** True stops offering new jobs (the ones in flight still finish). */
  readonly stopped?: () => boolean
}

export const dispatch = <E, R>(options: DispatchOptions<E, R>): Effect.Effect<void, E | DatabaseError | QueueError, R | JobQueue | JobLedger> =>
  Effect.gen(function* () {
    const queue = yield* JobQueue
    const ledger = yield* JobLedger
    const inFlight = new Map<string, TrainJob>()
    // The ledger first (one write for all): a job in the queue is always one the run knows it
    // offered. The offers go out together: when many jobs finish at once, the next ones should
    // not wait behind each other.
    const offerAll = (jobs: ReadonlyArray<TrainJob>) =>
      Effect.gen(function* () {
        yield* outlastOutage(ledger.recordOffers(jobs))
        yield* Effect.forEach(jobs, (job) => outlastOutage(queue.offer(job)), { concurrency: OFFER_CONCURRENCY, discard: true })
        for (const job of jobs) inFlight.set(job.id, job)
      })
    // A restart: everything offered and not recorded is in flight again.
    yield* offerAll((yield* outlastOutage(ledger.offered(options.tag))).filter((job) => !options.isRecorded(job)))
    let exhausted = false
    const fill = Effect.gen(function* () {
      const made: Array<TrainJob> = []
      while (!exhausted && inFlight.size + made.length < options.parallel && options.stopped?.() !== true) {
        const job = yield* options.next([...inFlight.values(), ...made])
        if (job === "later") break
        if (job === undefined) exhausted = true
        else made.push(job)
      }
      yield* offerAll(made)
    })
    const pollSeconds = options.pollSeconds ?? 0.1
    yield* fill
    while (inFlight.size > 0) {
      const results = yield* outlastOutage(ledger.results([...inFlight.keys()]))
      const followUps: Array<TrainJob> = []
      for (const result of results) {
        const job = inFlight.get(result.jobId)!
        inFlight.delete(result.jobId)
        const followUp = yield* options.onResult(result, job)
        if (followUp !== undefined) followUps.push(followUp)
      }
      yield* offerAll(followUps)
      yield* fill
      // Until a worker's result wakes us (NOTIFY on PostgreSQL), or the next poll.
      if (results.length === 0) yield* ledger.awaitResults(pollSeconds)
    }
  })
