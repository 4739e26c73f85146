// A worker: takes one training job at a time from the queue, fetches its commit, checks it,
// runs the Trainer unchanged and writes the report and the log tail back, exactly once.
// Claims are counted in the ledger because a worker killed with -9 is no failed attempt to
// the queue (its lease just runs out): a job that kills its worker every time ends as a
// crash after `maxClaims` claims instead of killing workers all night.
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { RunReport, Trainer, type TrainerError } from "@autoresearch/core"
import { Cause, Context, Effect, Layer, Schema } from "effect"
import type { DatabaseError, GitRemoteError, QueueError } from "./errors.js"
import { checkoutJob, type CheckoutRefusal } from "./git-remote.js"
import type { JobResult, TrainJob } from "./job.js"
import { JobLedger } from "./ledger.js"
import { outlastOutage } from "./outage.js"
import { JobQueue, MAX_ATTEMPTS } from "./queue.js"

/** Puts a job's commit in a directory the Trainer can run, or says why it must not be run. */
export class JobCheckout extends Context.Tag("@autoresearch/distributed/JobCheckout")<
  JobCheckout,
  { readonly prepare: (job: TrainJob) => Effect.Effect<{ readonly dir: string } | CheckoutRefusal, GitRemoteError> }
>() {}

/** The real checkout: the worker's own git repository in `dir`, fed from `remote`. */
export const GitCheckout = {
  layer: (options: { readonly dir: string; readonly remote: string }): Layer.Layer<JobCheckout> =>
    Layer.succeed(JobCheckout, {
      prepare: (job) =>
        checkoutJob(options.dir, options.remote, job).pipe(Effect.map((refusal) => refusal ?? { dir: options.dir }))
    })
}

/** This worker's name in claims and results: host, process and the GPUs it was given. */
export const defaultWorkerName = (env: NodeJS.ProcessEnv = process.env): string => {
  const gpus = env.CUDA_VISIBLE_DEVICES
  return `${hostname()}:${process.pid}${gpus !== undefined && gpus !== "" ? `:gpu${gpus}` : ""}`
}

export interface WorkerOptions {
  readonly name: string
  /** Where the runs' logs go (one `<tag>-<experiment>.log` per job). */
  readonly logsDir: string
  /** A job claimed this many times (its workers died each time) is recorded as a crash (default 3). */
  readonly maxClaims?: number
  /** Stop after this many jobs (default: never). */
  readonly maxJobs?: number
  /** Aborting stops the worker after the job it is running. */
  readonly signal?: AbortSignal
  /** Told about every job it starts and finishes. */
  readonly onJob?: (event: { readonly kind: "started" | "finished"; readonly job: TrainJob; readonly claim: number; readonly report?: RunReport }) => void
}

const LOG_TAIL_LINES = 50

const logTailOf = (file: string): string => {
  if (!existsSync(file)) return ""
  const lines = readFileSync(file, "utf8").split("\n")
  if (lines.at(-1) === "") lines.pop()
  return lines.slice(-LOG_TAIL_LINES).join("\n")
}

const crash = (reason: "error" | "invalid", message: string, logTail = ""): RunReport => ({ _tag: "Crash", reason, message, logTail })

/** Runs one claimed job to its one result. */
export const processJob = (options: WorkerOptions, job: TrainJob, attempts: number) =>
  Effect.gen(function* () {
    const ledger = yield* JobLedger
    const trainer = yield* Trainer
    const checkout = yield* JobCheckout
    const maxClaims = options.maxClaims ?? 3
    const startedAt = new Date().toISOString()
    const claim = yield* outlastOutage(ledger.claim(job.id, options.name))
    const finish = (report: RunReport, logTail: string) =>
      Effect.gen(function* () {
        const result: JobResult = {
          jobId: job.id, tag: job.tag, experiment: job.experiment, worker: options.name, report, logTail, claims: claim,
          startedAt, finishedAt: new Date().toISOString()
        }
        // false: a stalled earlier claim already wrote it; that result stands.
        yield* outlastOutage(ledger.writeResult(result))
        options.onJob?.({ kind: "finished", job, claim, report })
      })
    if (claim > maxClaims) {
      return yield* finish(
        crash("error", `the job was claimed ${claim - 1} times and its worker died every time (killed, out of memory, or the machine went away); given up`),
        ""
      )
    }
    // A re-claimed job whose result exists (its worker wrote it, then lost the queue's
    // completion to a database outage) is done: never train it twice.
    if (claim > 1 && (yield* outlastOutage(ledger.results([job.id]))).length > 0) return
    options.onJob?.({ kind: "started", job, claim })
    const prepared = yield* checkout.prepare(job)
    if ("_tag" in prepared) return yield* finish(crash("invalid", `worker ${options.name} refused the job: ${prepared.message}`), "")
    mkdirSync(options.logsDir, { recursive: true })
    const logFile = join(options.logsDir, `${job.tag}-${job.run ?? job.experiment}.log`)
    const spec = {
      dir: prepared.dir, budgetSeconds: job.budgetSeconds, logFile,
      ...(job.seed !== undefined ? { seed: job.seed } : {}),
      ...(job.deadlineSeconds !== undefined ? { deadlineSeconds: job.deadlineSeconds } : {})
    }
    const report = yield* Effect.suspend(() => trainer.run(spec)).pipe(
      // A plugin's mistake (a report that does not decode, a defect) is this run's crash.
      Effect.flatMap((input) =>
        Schema.decodeUnknown(RunReport)(input).pipe(
          Effect.orElseSucceed(() => crash("error", "the trainer returned something that is not a RunReport"))
        )
      ),
      Effect.catchAllDefect((defect) => Effect.succeed(crash("error", `the trainer failed unexpectedly: ${defect instanceof Error ? defect.message : String(defect)}`))),
      // The trainer could not start here (a broken install?): let another worker try, and
      // record the failure as the result once the queue's attempts are spent.
      Effect.catchTag("TrainerError", (error: TrainerError) =>
        attempts + 1 >= MAX_ATTEMPTS ? Effect.succeed(crash("error", `the trainer could not run: ${error.message}`)) : Effect.fail(error)
      )
    )
    yield* finish(report, report._tag === "Crash" && report.logTail !== "" ? report.logTail : logTailOf(logFile))
  })

export type WorkerError = QueueError | DatabaseError | GitRemoteError | TrainerError

/**
 * Serves the queue until `maxJobs` or the signal. A failure of one job (the remote unreachable,
 * the trainer missing) is logged and the job goes back to the queue; the worker goes on.
 */
export const runWorker = (options: WorkerOptions): Effect.Effect<number, never, JobQueue | JobLedger | Trainer | JobCheckout> =>
  Effect.gen(function* () {
    const queue = yield* JobQueue
    let done = 0
    let busy = false
    const oneJob = queue.take((job, meta) =>
      Effect.acquireUseRelease(
        Effect.sync(() => (busy = true)),
        () => processJob(options, job, meta.attempts),
        () => Effect.sync(() => (busy = false))
      )
    ).pipe(
      Effect.tap(() => Effect.sync(() => done++)),
      // A failed job (or a defect in a plugin) went back to the queue; this worker goes on.
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.interrupt
          : Effect.logWarning(`worker ${options.name}: ${Cause.isFailType(cause) ? (cause.error as WorkerError).message : Cause.pretty(cause).split("\n")[0]}`).pipe(
              Effect.zipRight(Effect.sleep("1 second"))
            )
      )
    )
    const loop = Effect.whileLoop({
      while: () => options.maxJobs === undefined || done < options.maxJobs,
      body: () => oneJob,
      step: () => undefined
    })
    const signal = options.signal
    if (signal === undefined) return yield* Effect.as(loop, done)
    // On abort: wait until no job is running, then stop taking new ones.
    const aborted = Effect.async<void>((resume) => {
      if (signal.aborted) return resume(Effect.void)
      signal.addEventListener("abort", () => resume(Effect.void), { once: true })
    }).pipe(Effect.zipRight(Effect.repeat(Effect.sleep("100 millis"), { until: () => !busy })))
    yield* Effect.raceFirst(loop, aborted)
    return done
  })
