import { Context, Effect, Layer, Schema } from "effect"
import { runDeadlineSeconds } from "../config.js"
import { RunReport, type RunReportInput } from "../domain.js"
import { describeParseError, TrainerError } from "../errors.js"

/** A progress tick from a running training job. */
export interface TrainingProgress {
  readonly step: number
  readonly loss: number
  /** 0..1 of the training time budget. */
  readonly progress: number
  readonly tokensPerSec: number
  readonly remainingSeconds: number
}

/** The seed of a run when none is given (the original seeds 42 before initialising). */
export const DEFAULT_SEED = 42

/** One training run: the canvas in `dir`, trained for `budgetSeconds` of counted time. */
export interface TrainSpec {
  /** The workspace directory (the git work tree holding the canvas). */
  readonly dir: string
  readonly budgetSeconds: number
  /** Seeds every random draw of the canvas (`ctx.seed`); default DEFAULT_SEED. */
  readonly seed?: number
  /**
   * Wall-clock seconds after which the trainer kills the run and reports a `timeout` crash with
   * its log tail. The loop always sets it (`runDeadlineSeconds`); absent when called directly.
   */
  readonly deadlineSeconds?: number
  /** Where the run's full log is written. */
  readonly logFile: string
  readonly onProgress?: (progress: TrainingProgress) => void
  /** Aborting kills the run (and its whole process group) at once. */
  readonly signal?: AbortSignal
  /**
   * Which training this is (the loop sets it): the experiment, the run's name (the log's stem,
   * e.g. `7` or `7-confirm1`) and the commit whose canvas is in `dir`. A trainer that runs the
   * job elsewhere (the distributed job queue) sends the commit; a local one may ignore it.
   */
  readonly training?: { readonly experiment: number; readonly name: string; readonly commit: string }
}

/** What a trainer does: the service behind the `Trainer` tag. */
export interface TrainerService {
  readonly name: string
  /**
   * Crashes of the canvas are a RunReport (Crash); TrainerError means it could not run at all.
   * The loop decodes the report, so the defaulted metrics (mfuPercent, depth, ...) may be left out.
   */
  readonly run: (spec: TrainSpec) => Effect.Effect<RunReportInput, TrainerError>
}

/** A trainer as a plain async function, for `Trainer.fromPromise`. */
export interface PromiseTrainer {
  readonly name: string
  /** Resolve with the run's report; reject only when the trainer cannot run at all. */
  readonly run: (spec: TrainSpec) => Promise<RunReportInput>
}

/**
 * Trains the canvas for a fixed wall-clock budget and reports the fixed metric.
 *
 * @example
 * const trainer = Trainer.fromPromise({ name: "mine", run: async (spec) => ({ _tag: "Success", metrics: { valBpb, trainingSeconds, totalSeconds, peakMemoryMb } }) })
 */
export class Trainer extends Context.Tag("@autoresearch/core/Trainer")<Trainer, TrainerService>() {
  /** A Trainer layer from an async function; a rejection is a `TrainerError` (the run is a crash). */
  static readonly fromPromise = (trainer: PromiseTrainer): Layer.Layer<Trainer> =>
    Layer.succeed(Trainer, {
      name: trainer.name,
      run: (spec) =>
        Effect.tryPromise({
          try: () => trainer.run(spec),
          catch: (error) =>
            error instanceof TrainerError ? error : new TrainerError({ message: error instanceof Error ? error.message : String(error), cause: error })
        })
    })
}

/**
 * The deadline a trainer kills its run at: the spec's (in the loop, config `runTimeoutSeconds`),
 * else 2 × budget + 60. The one place a run's deadline is decided is the loop's configuration.
 */
export const trainDeadlineSeconds = (spec: TrainSpec): number => spec.deadlineSeconds ?? runDeadlineSeconds(spec.budgetSeconds)

const decodeReport = Schema.decodeUnknownEither(RunReport)

/**
 * A trainer's answer as the loop reads it: decoded, a non-finite val_bpb as a `nan` crash, and
 * anything malformed (NaN, negative or missing metrics, a wrong shape) as an `error` crash.
 */
export const checkRunReport = (raw: unknown): RunReport => {
  const report = raw as { _tag?: unknown; metrics?: { valBpb?: unknown } } | null
  const valBpb = report?.metrics?.valBpb
  if (report?._tag === "Success" && typeof valBpb === "number" && !Number.isFinite(valBpb)) {
    return { _tag: "Crash", reason: "nan", message: `val_bpb is ${valBpb}`, logTail: "" }
  }
  const decoded = decodeReport(raw)
  return decoded._tag === "Right"
    ? decoded.right
    : { _tag: "Crash", reason: "error", message: `the trainer returned an invalid report: ${describeParseError(decoded.left)}`, logTail: "" }
}
