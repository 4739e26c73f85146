// Baseline: train the unchanged canvas, then `noiseRepeats` more times to measure the noise
// floor. The record keeps the first run's metrics and the samples' std.
import { Effect } from "effect"
import type { WorkspaceError } from "../errors.js"
import { sampleStd } from "../policy.js"
import { canvasLinesOf, verdict } from "./decide.js"
import { type Experiment, type ExperimentEnded, unlessKilled } from "./experiment.js"
import { notice, readCanvas, stopping, type LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"
import { train } from "./train.js"

export const measureBaseline =
  (run: LoopRun, state: LoopState) =>
  (start: Experiment): Effect.Effect<Experiment, ExperimentEnded | WorkspaceError> =>
    Effect.gen(function* () {
      let experiment = yield* unlessKilled(run, yield* train(run, start))
      const report = experiment.report!
      experiment = { ...experiment, canvasLines: canvasLinesOf(yield* readCanvas(run)) }
      const samples: Array<number> = []
      if (report._tag === "Success") {
        samples.push(report.metrics.valBpb)
        // One after another, or (a parallel run's coordinator) side by side on free workers.
        const repeats = yield* Effect.forEach(
          Array.from({ length: run.config.noiseRepeats }, (_, i) => i + 1),
          (k) => Effect.suspend(() => (stopping(run) ? Effect.succeed(undefined) : Effect.flatMap(train(run, experiment, `-noise${k}`), (done) => unlessKilled(run, done)))),
          { concurrency: run.concurrency ?? 1 }
        )
        const base = experiment.trainMs
        const baseRuns = experiment.runs.length
        for (const [i, repeat] of repeats.entries()) {
          if (repeat === undefined) continue
          // Each repeat started from the first run's experiment: add only what it added.
          experiment = { ...experiment, trainMs: experiment.trainMs + repeat.trainMs - base, runs: [...experiment.runs, ...repeat.runs.slice(baseRuns)] }
          const outcome = repeat.report!
          if (outcome._tag === "Success") samples.push(outcome.metrics.valBpb)
          else yield* notice(run, `noise repeat ${i + 1} of the baseline crashed (${outcome.message}); the noise floor uses ${samples.length} run(s) so far`)
        }
      }
      return {
        ...experiment,
        report,
        noise: samples.length >= 2 ? { samples, std: sampleStd(samples) } : undefined,
        decision: verdict(run, state, { ...experiment, report })
      }
    })
