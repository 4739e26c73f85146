// Confirm: first a run disturbed by machine load is re-run and the change decided again on the
// re-run (rerun-disturbed.ts). Then, with `maxConfirmations` > 0 (the default), the sequential
// test of confirm-paired.ts; with 0 and `confirmKeeps`, a candidate keep is trained once more
// and kept only if the re-run also beats the best, so a lucky draw of the noise is not kept.
import { Effect } from "effect"
import type { Decision } from "../domain.js"
import type { WorkspaceError } from "../errors.js"
import { confirmPaired } from "./confirm-paired.js"
import type { Experiment, ExperimentEnded } from "./experiment.js"
import { verdict } from "./decide.js"
import { rerunIfDisturbed, trainSteady } from "./rerun-disturbed.js"
import type { LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"

const redecided = (decision: Decision): Decision => ({ ...decision, reason: `on the re-run of a run disturbed by load: ${decision.reason}` })

export const confirm =
  (run: LoopRun, state: LoopState) =>
  (decided: Experiment): Effect.Effect<Experiment, ExperimentEnded | WorkspaceError> =>
    Effect.gen(function* () {
      const steady = yield* rerunIfDisturbed(run, state, decided, "")
      const experiment = steady === decided ? decided : { ...steady, decision: redecided(verdict(run, state, steady)) }
      if (run.config.maxConfirmations > 0) return yield* confirmPaired(run, state)(experiment)
      const first = experiment.decision
      if (!run.config.confirmKeeps || first?.status !== "keep" || experiment.report?._tag !== "Success") return experiment
      const rerun = yield* trainSteady(run, state, experiment, "-confirm")
      const again = verdict(run, state, experiment, rerun.report!)
      const confirmed = again.status === "keep"
      return {
        ...rerun,
        report: experiment.report, // the record keeps the first run's metrics
        confirmation: { valBpb: rerun.report?._tag === "Success" ? rerun.report.metrics.valBpb : undefined, confirmed },
        decision: confirmed ? first : { status: "discard", reason: `not confirmed by a re-run (${again.reason}); first run: ${first.reason}` }
      }
    })
