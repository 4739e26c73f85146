// Decide: the acceptance policy on the final report, against the best so far and the noise floor.
import { Effect } from "effect"
import type { WorkspaceError } from "../errors.js"
import { decide as policy, nonBlankLines } from "../policy.js"
import type { CanvasFile } from "../services/agent.js"
import type { Experiment } from "./experiment.js"
import { readCanvas, type LoopRun } from "./run-context.js"
import { noiseStd, threshold, type LoopState } from "./state.js"

export const canvasLinesOf = (files: ReadonlyArray<CanvasFile>) => files.reduce((sum, f) => sum + nonBlankLines(f.content), 0)

/** The policy's verdict on a report of this experiment (the baseline has no best to beat). */
export const verdict = (run: LoopRun, state: LoopState, experiment: Experiment, report = experiment.report!) =>
  policy({
    report,
    best: state.best?.metrics ? { valBpb: state.best.metrics.valBpb, canvasLines: state.best.canvasLines } : undefined,
    canvasLines: experiment.canvasLines,
    minDelta: run.config.minDelta,
    noiseThreshold: run.config.noiseZ * noiseStd(state)
  })

export const decide =
  (run: LoopRun, state: LoopState) =>
  (experiment: Experiment): Effect.Effect<Experiment, WorkspaceError> =>
    Effect.map(readCanvas(run), (files) => {
      const measured = { ...experiment, canvasLines: canvasLinesOf(files), threshold: threshold(state, run.config) }
      return { ...measured, decision: verdict(run, state, measured) }
    })
