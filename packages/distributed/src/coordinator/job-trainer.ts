// The coordinator's Trainer: a training is a job on the queue. It names the commit by a ref
// (pushed to the remote when there is one), offers the job (the ledger first, then the queue,
// both idempotent by the job's id), and waits for the one result a worker writes back. The
// loop's phases call it like any trainer, so the baseline's noise repeats, repairs and
// confirmations of a parallel run are jobs too.
import { writeFileSync } from "node:fs"
import { runDeadlineSeconds, Trainer, TrainerError, type TrainerService, type TrainSpec } from "@autoresearch/core"
import { Deferred, Effect, type Scope } from "effect"
import { outlastOutage } from "../outage.js"
import { pushCommit, experimentRef } from "../git-remote.js"
import { canvasHashOf, jobIdOf, type JobResult, type TrainJob } from "../job.js"
import { JobLedger } from "../ledger.js"
import { JobQueue } from "../queue.js"
import { gitIn, readAt } from "./commits.js"

export interface JobTrainerOptions {
  /** The workspace's repository (where the commits are). */
  readonly dir: string
  readonly tag: string
  readonly editable: ReadonlyArray<string>
  /** Where workers fetch from; undefined: from `dir` itself (one machine). */
  readonly remote?: string
  /** The workspace's profile, checked by the worker. */
  readonly profile?: string
  /** The run's deadline on a worker (the loop's own; the loop's backstop allows for the queue). */
  readonly runTimeoutSeconds?: number
  /** How often the ledger is asked for finished jobs. */
  readonly pollSeconds: number
  /** What the coordinator keeps with each job of an experiment, to resume it after a restart. */
  readonly describe: (experiment: number) => TrainJob["proposal"]
}

export interface JobTrainer {
  readonly trainer: TrainerService
  /** The worker that ran the named training last (e.g. "7"). */
  readonly workerOf: (name: string) => string | undefined
}

const killed = (): JobResult["report"] => ({ _tag: "Crash", reason: "error", message: "killed", logTail: "" })

export const makeJobTrainer = (options: JobTrainerOptions): Effect.Effect<JobTrainer, never, JobQueue | JobLedger | Scope.Scope> =>
  Effect.gen(function* () {
    const queue = yield* JobQueue
    const ledger = yield* JobLedger
    const waiting = new Map<string, Deferred.Deferred<JobResult>>()
    const workers = new Map<string, string>()
    // A commit is trained more than once (noise repeats, confirmations): hash its canvas once.
    const canvasHashes = new Map<string, string>()

    // One poller for every job in flight: one query per period, however many are waiting.
    yield* Effect.forkScoped(
      Effect.forever(
        Effect.gen(function* () {
          if (waiting.size > 0) {
            for (const result of yield* outlastOutage(ledger.results([...waiting.keys()])).pipe(Effect.orElseSucceed(() => []))) {
              const deferred = waiting.get(result.jobId)
              waiting.delete(result.jobId)
              if (deferred !== undefined) yield* Deferred.succeed(deferred, result)
            }
          }
          // Until a worker's result wakes us (NOTIFY on PostgreSQL, a pulse in memory), or the next poll.
          yield* ledger.awaitResults(options.pollSeconds)
        })
      )
    )

    const jobOf = (spec: TrainSpec, training: NonNullable<TrainSpec["training"]>) =>
      Effect.gen(function* () {
        const { experiment, name, commit } = training
        const ref = experimentRef(options.tag, name, commit)
        yield* gitIn(options.dir, ["update-ref", ref, commit])
        if (options.remote !== undefined) yield* pushCommit(options.dir, options.remote, commit, ref)
        const canvasHash = canvasHashes.get(commit) ?? canvasHashOf(yield* Effect.forEach(options.editable, (path) => Effect.map(readAt(options.dir, commit, path), (content) => ({ path, content }))))
        canvasHashes.set(commit, canvasHash)
        const proposal = options.describe(experiment)
        const job: TrainJob = {
          id: jobIdOf(options.tag, experiment, `${name}@${commit}@${spec.seed ?? ""}`),
          tag: options.tag, experiment, commit, ref, canvasFiles: [...options.editable], canvasHash,
          budgetSeconds: spec.budgetSeconds, run: name,
          deadlineSeconds: runDeadlineSeconds(spec.budgetSeconds, options.runTimeoutSeconds),
          ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
          ...(options.profile !== undefined ? { profile: options.profile } : {}),
          ...(proposal !== undefined ? { proposal } : {})
        }
        return job
      })

    const run = (spec: TrainSpec) =>
      Effect.gen(function* () {
        const training = spec.training
        if (training === undefined) return yield* new TrainerError({ message: "the job trainer trains a commit: call it from the research loop (spec.training)" })
        const job = yield* jobOf(spec, training).pipe(Effect.mapError((error) => new TrainerError({ message: `could not publish the commit for the workers: ${error.message}`, cause: error })))
        const done = yield* Deferred.make<JobResult>()
        waiting.set(job.id, done)
        // The ledger first: a job in the queue is always one the run knows it offered.
        yield* outlastOutage(ledger.recordOffers([job])).pipe(Effect.zipRight(outlastOutage(queue.offer(job))), Effect.mapError((error) => new TrainerError({ message: error.message, cause: error })))
        const result = yield* Effect.raceFirst(Deferred.await(done), aborted(spec.signal)).pipe(Effect.ensuring(Effect.sync(() => waiting.delete(job.id))))
        if (result === undefined) return killed()
        workers.set(training.name, result.worker)
        writeFileSync(spec.logFile, `# the last lines of the run's log, from worker ${result.worker} (claim ${result.claims})\n${result.logTail}\n`)
        return result.report
      })

    return { trainer: Trainer.of({ name: "job queue", run }), workerOf: (name) => workers.get(name) }
  })

/** Resolves with undefined when the signal aborts (never without one). */
const aborted = (signal: AbortSignal | undefined) =>
  Effect.async<undefined>((resume) => {
    if (signal === undefined) return
    if (signal.aborted) return resume(Effect.succeed(undefined))
    const onAbort = () => resume(Effect.succeed(undefined))
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })
