// TEST DOUBLE. A Trainer that returns scripted metrics or crashes instead of training; it can
// write a log and sleep (honouring the kill signal) to look like a real run from outside.
import { writeFileSync } from "node:fs"
import { Effect, Layer } from "effect"
import type { CrashReason, RunReport } from "../domain.js"
import { TrainerError } from "../errors.js"
import { Trainer, type TrainSpec } from "../services/trainer.js"

/** One scripted run: a val_bpb, metrics, a crash, or a trainer that cannot start. */
export type ScriptedRun =
  | number
  | { readonly valBpb: number; readonly peakMemoryMb?: number }
  | { readonly crash: CrashReason; readonly message?: string; readonly logTail?: string }
  | { readonly trainerError: string }

/** A fixed list of runs (played in order), or a function of the call number and the spec. */
export type TrainerScript = ReadonlyArray<ScriptedRun> | ((call: number, spec: TrainSpec) => ScriptedRun)

/** TEST DOUBLE settings: how long each run takes, whether it writes a log, the memory it reports. */
export interface ScriptedTrainerOptions {
  /** Milliseconds each run takes (aborted at once by spec.signal). Default 0. */
  readonly delayMs?: number
  /** Write a log in the reference's summary format to spec.logFile. Default true. */
  readonly writeLog?: boolean
}

/** TEST DOUBLE: a Trainer layer and every spec the loop handed it. */
export interface ScriptedTrainerDouble {
  readonly layer: Layer.Layer<Trainer>
  /** Every spec the loop handed to the trainer, in order. */
  readonly specs: ReadonlyArray<TrainSpec>
}

const sleep = (ms: number, signal?: AbortSignal) =>
  Effect.async<void>((resume) => {
    if (signal?.aborted) return resume(Effect.void)
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener("abort", done)
      resume(Effect.void)
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener("abort", done)
    return Effect.sync(done)
  })

const reportOf = (step: ScriptedRun, budgetSeconds: number): RunReport | TrainerError => {
  if (typeof step === "number" || "valBpb" in step) {
    const valBpb = typeof step === "number" ? step : step.valBpb
    const peakMemoryMb = typeof step === "number" ? 1024 : step.peakMemoryMb ?? 1024
    return {
      _tag: "Success",
      metrics: { valBpb, trainingSeconds: budgetSeconds, totalSeconds: budgetSeconds, peakMemoryMb, memoryKind: "rss", mfuPercent: 0, totalTokensM: 0, numSteps: 1, numParamsM: 0, depth: 0, backend: "scripted" }
    }
  }
  if ("crash" in step) return { _tag: "Crash", reason: step.crash, message: step.message ?? `scripted ${step.crash}`, logTail: step.logTail ?? `scripted ${step.crash}` }
  return new TrainerError({ message: step.trainerError })
}

/**
 * TEST DOUBLE: a Trainer that reports scripted val_bpb values, crashes or trainer errors.
 *
 * @example
 * const trainer = ScriptedTrainer.make([1.0, 0.98, { crash: "oom" }])
 */
export const ScriptedTrainer = {
  make: (script: TrainerScript, options: ScriptedTrainerOptions = {}): ScriptedTrainerDouble => {
    const specs: Array<TrainSpec> = []
    const run = (spec: TrainSpec) =>
      Effect.gen(function* () {
        const call = specs.length
        specs.push(spec)
        const step = typeof script === "function" ? script(call, spec) : script[call]
        if (step === undefined) return yield* new TrainerError({ message: `ScriptedTrainer (test double): script exhausted after ${call} run(s)` })
        if (options.delayMs) yield* sleep(options.delayMs, spec.signal)
        if (spec.signal?.aborted) return { _tag: "Crash", reason: "error", message: "killed", logTail: "" } satisfies RunReport
        const report = reportOf(step, spec.budgetSeconds)
        if (report instanceof TrainerError) return yield* report
        spec.onProgress?.({ step: 1, loss: 1, progress: 1, tokensPerSec: 0, remainingSeconds: 0 })
        if (options.writeLog ?? true) {
          const body =
            report._tag === "Success"
              ? `---\nval_bpb:          ${report.metrics.valBpb.toFixed(6)}\npeak_vram_mb:     ${report.metrics.peakMemoryMb.toFixed(1)}\n`
              : `FAIL\n${report.logTail}\n`
          writeFileSync(spec.logFile, `scripted-trainer (test double) run ${call}\n${body}`)
        }
        return report
      })
    return { layer: Layer.succeed(Trainer, { name: "scripted-trainer (test double)", run }), specs }
  }
}
