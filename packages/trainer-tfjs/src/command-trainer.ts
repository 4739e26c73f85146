// CommandTrainer: core's Trainer for any command that prints the reference summary block, e.g.
// the original Python project's `uv run train.py`. Runs in the workspace, in its own process
// group, with the budget in $AUTORESEARCH_BUDGET_SECONDS (and the seed in $AUTORESEARCH_SEED); the metrics are parsed from its output.
import { Effect, Layer } from "effect"
import { DEFAULT_SEED, type RunReport, Trainer, TrainerError, trainDeadlineSeconds, type TrainSpec } from "@autoresearch/core"
import { runInGroup, type GroupExit } from "./process-group.js"
import { parseSummary } from "./summary.js"
import { DIVERGED, OUT_OF_MEMORY } from "./crash-signs.js"

/** The command `CommandTrainer` runs per experiment (in the workspace), its arguments and environment. */
export interface CommandTrainerOptions {
  readonly command: string
  readonly args?: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
}

export const reportFromCommand = (exit: GroupExit): RunReport => {
  const crash = (reason: "timeout" | "nan" | "oom" | "error", message: string): RunReport => ({
    _tag: "Crash",
    reason,
    message,
    logTail: exit.tail
  })
  if (exit.timedOut) return crash("timeout", "the command passed its deadline and was killed")
  if (exit.aborted) return crash("error", "the run was aborted")
  const metrics = exit.code === 0 ? parseSummary(exit.output) : undefined
  if (metrics && Number.isFinite(metrics.valBpb)) return { _tag: "Success", metrics }
  if (DIVERGED.test(exit.tail)) return crash("nan", "the loss diverged (NaN or too large)")
  if (OUT_OF_MEMORY.test(exit.tail)) return crash("oom", "the command ran out of memory")
  return crash(
    "error",
    exit.code === 0
      ? "the command exited 0 but printed no summary block (--- then val_bpb, training_seconds, total_seconds ...)"
      : `the command exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}`
  )
}

/**
 * A Trainer that runs any command printing the reference's summary block (e.g. `uv run train.py`).
 *
 * @example
 * trainer: CommandTrainer.layer({ command: "uv", args: ["run", "train.py"] })
 */
export const CommandTrainer = {
  layer: (options: CommandTrainerOptions) =>
    Layer.succeed(Trainer, {
      name: `command:${[options.command, ...(options.args ?? [])].join(" ")}`,
      run: (spec: TrainSpec) =>
        Effect.map(
          Effect.tryPromise({
            try: () =>
              runInGroup({
                command: options.command,
                args: options.args ?? [],
                cwd: spec.dir,
                env: { ...process.env, ...options.env, AUTORESEARCH_BUDGET_SECONDS: String(spec.budgetSeconds), AUTORESEARCH_SEED: String(spec.seed ?? DEFAULT_SEED) },
                deadlineMs: trainDeadlineSeconds(spec) * 1000,
                logFile: spec.logFile,
                ...(spec.signal ? { signal: spec.signal } : {})
              }),
            catch: (error) =>
              new TrainerError({ message: `cannot start ${options.command}: ${(error as Error).message}`, cause: error })
          }),
          reportFromCommand
        )
    })
}
