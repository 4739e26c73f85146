import { Context, type Effect } from "effect"
import type { RunReport } from "../domain.js"
import type { TrainerError } from "../errors.js"

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
    readonly run: (spec: TrainSpec) => Effect.Effect<RunReport, TrainerError>
  }
>() {}
