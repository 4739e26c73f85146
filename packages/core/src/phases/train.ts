// Train: one run of the trainer on the committed canvas. The trainer's own deadline governs
// (spec.deadlineSeconds); the loop stops only a trainer that ignores it, a grace later. What
// the trainer returns is decoded, so NaN, negative or missing metrics and a trainer that
// throws are this experiment's crash, never the night's end. Every run is added to the
// experiment's `runs` with its throughput and the machine's load average at its start and end.
import { loadavg } from "node:os"
import { basename } from "node:path"
import { Cause, Duration, Effect } from "effect"
import { backstopGraceSeconds, runDeadlineSeconds } from "../config.js"
import { throughputOf, tokensPerSecondOf } from "../decision/load.js"
import type { RunKind, RunReport, RunSample } from "../domain.js"
import { checkRunReport } from "../services/trainer.js"
import type { Experiment } from "./experiment.js"
import { logFile, type LoopRun } from "./run-context.js"

const crash = (reason: "timeout" | "error", message: string): RunReport => ({ _tag: "Crash", reason, message, logTail: "" })

/** The kind of run a log suffix names (`-noise1`, `-confirm2`, `-best2`, `-rerun`, `-repair1`, …). */
const kindOf = (suffix: string): RunKind => (/-(noise|repair|rerun|confirm|best)/.exec(suffix)?.[1] as RunKind | undefined) ?? "run"

/** The 1-minute load average, rounded (0 where the platform has none, e.g. Windows). */
const loadNow = () => Math.round(loadavg()[0]! * 100) / 100

const sampleOf = (report: RunReport, suffix: string, log: string, loadStart: number): RunSample => {
  const metrics = report._tag === "Success" ? report.metrics : undefined
  const throughput = metrics && throughputOf(metrics)
  const tokensPerSecond = metrics && tokensPerSecondOf(metrics)
  return {
    kind: kindOf(suffix),
    log: basename(log),
    ...(metrics !== undefined ? { valBpb: metrics.valBpb } : {}),
    ...(throughput !== undefined ? { throughput } : {}),
    ...(tokensPerSecond !== undefined ? { tokensPerSecond } : {}),
    loadStart,
    loadEnd: loadNow()
  }
}

/**
 * Runs the trainer once (log `<id><suffix>.log`) on `commit`, the canvas the work tree holds (the
 * experiment's own unless a phase reset it, e.g. to re-run the best), and returns the experiment
 * with the report and the time.
 */
export const train = (run: LoopRun, experiment: Experiment, suffix = "", commit = experiment.commit): Effect.Effect<Experiment> =>
  Effect.suspend(() => {
    const deadlineSeconds = runDeadlineSeconds(run.config.budgetSeconds, run.config.runTimeoutSeconds)
    const backstop = deadlineSeconds + backstopGraceSeconds(deadlineSeconds)
    const stop = new AbortController()
    const killSignal = run.runtime.killSignal
    const log = logFile(run, experiment.id, suffix)
    const loadStart = loadNow()
    return Effect.suspend(() =>
      run.trainer.run({
        dir: run.workspace.dir,
        budgetSeconds: run.config.budgetSeconds,
        seed: run.config.seed,
        deadlineSeconds,
        logFile: log,
        signal: killSignal ? AbortSignal.any([killSignal, stop.signal]) : stop.signal,
        onProgress: (p) => run.publishNow({ _tag: "TrainingProgress", id: experiment.id, ...p }),
        training: { experiment: experiment.id, name: `${experiment.id}${suffix}`, commit }
      })
    ).pipe(
      Effect.map(checkRunReport),
      Effect.catchAllCause((cause): Effect.Effect<RunReport> => {
        const failure = Cause.failureOption(cause)
        if (failure._tag === "Some") return Effect.succeed(crash("error", `the trainer could not run: ${failure.value.message}`))
        if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
        const defect = Cause.squash(cause)
        return Effect.succeed(crash("error", `the trainer failed unexpectedly: ${defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect)}`))
      }),
      Effect.timeoutTo({
        duration: Duration.seconds(backstop),
        onSuccess: (report): RunReport => report,
        onTimeout: (): RunReport => {
          stop.abort()
          return crash("timeout", `no result after ${deadlineSeconds} s: the trainer did not stop the run at its deadline, so the loop killed it ${backstop - deadlineSeconds} s later`)
        }
      }),
      Effect.timed,
      Effect.map(([duration, report]) => ({
        ...experiment,
        report,
        trainMs: experiment.trainMs + Duration.toMillis(duration),
        runs: [...experiment.runs, sampleOf(report, suffix, log, loadStart)]
      }))
    )
  })
