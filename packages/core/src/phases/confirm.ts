// Confirm (config `confirmKeeps`): a candidate keep is trained once more and kept only if the
// re-run also beats the best, so a lucky draw of the noise is not kept.
import { Effect } from "effect"
import type { WorkspaceError } from "../errors.js"
import { confirmPaired } from "./confirm-paired.js"
import { type Experiment, type ExperimentEnded, unlessKilled } from "./experiment.js"
import { verdict } from "./decide.js"
import type { LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"
import { train } from "./train.js"

export const confirm =
  (run: LoopRun, state: LoopState) =>
  (experiment: Experiment): Effect.Effect<Experiment, ExperimentEnded | WorkspaceError> =>
    Effect.gen(function* () {
      if (run.config.maxConfirmations > 0) return yield* confirmPaired(run, state)(experiment)
      const first = experiment.decision
      if (!run.config.confirmKeeps || first?.status !== "keep" || experiment.report?._tag !== "Success") return experiment
      const rerun = yield* unlessKilled(run, yield* train(run, experiment, "-confirm"))
      const again = verdict(run, state, experiment, rerun.report!)
      const confirmed = again.status === "keep"
      return {
        ...rerun,
        report: experiment.report, // the record keeps the first run's metrics
        confirmation: { valBpb: rerun.report?._tag === "Success" ? rerun.report.metrics.valBpb : undefined, confirmed },
        decision: confirmed ? first : { status: "discard", reason: `not confirmed by a re-run (${again.reason}); first run: ${first.reason}` }
      }
    })
