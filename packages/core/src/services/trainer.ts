import { Context, type Effect, Schema } from "effect"
import { runDeadlineSeconds } from "../config.js"
import { RunReport, type RunReportInput } from "../domain.js"
import { describeParseError, type TrainerError } from "../errors.js"

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
}

/** Trains the canvas for a fixed wall-clock budget and reports the fixed metric. */
export class Trainer extends Context.Tag("@autoresearch/core/Trainer")<
  Trainer,
  {
    readonly name: string
    /** Crashes of the canvas are a RunReport (Crash); TrainerError means it could not run at all. */
    readonly run: (spec: TrainSpec) => Effect.Effect<RunReportInput, TrainerError>
  }
>() {}

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
