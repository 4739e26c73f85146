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
        for (let k = 1; k <= run.config.noiseRepeats && !stopping(run); k++) {
          experiment = yield* unlessKilled(run, yield* train(run, experiment, `-noise${k}`))
          const repeat = experiment.report!
          if (repeat._tag === "Success") samples.push(repeat.metrics.valBpb)
          else yield* notice(run, `noise repeat ${k} of the baseline crashed (${repeat.message}); the noise floor uses ${samples.length} run(s)`)
        }
      }
      return {
        ...experiment,
        report,
        noise: samples.length >= 2 ? { samples, std: sampleStd(samples) } : undefined,
        decision: verdict(run, state, { ...experiment, report })
      }
    })
