// Confirm: first a run disturbed by machine load is re-run and the change decided again on the
// re-run (rerun-disturbed.ts). Then, with `maxConfirmations` > 0 (the default), the sequential
// test of confirm-paired.ts; with 0 and `confirmKeeps`, a candidate keep is trained once more
// and kept only if the re-run also beats the best, so a lucky draw of the noise is not kept.
import { Effect } from "effect"
import type { WorkspaceError } from "../errors.js"
import { confirmPaired } from "./confirm-paired.js"
import type { Experiment, ExperimentEnded } from "./experiment.js"
import { verdict } from "./decide.js"
import { rerunIfDisturbed, trainSteady } from "./rerun-disturbed.js"
import type { LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"

export const confirm =
  (run: LoopRun, state: LoopState) =>
  (decided: Experiment): Effect.Effect<Experiment, ExperimentEnded | WorkspaceError> =>
    Effect.gen(function* () {
      const steady = yield* rerunIfDisturbed(run, state, decided, "")
      if (steady === decided) return yield* confirmed(run, state, decided)
      const done = yield* confirmed(run, state, { ...steady, decision: verdict(run, state, steady) })
      return { ...done, decision: { ...done.decision!, reason: `on the re-run of a run disturbed by load: ${done.decision!.reason}` } }
    })

/** The decision confirmed by paired re-runs (maxConfirmations > 0), or by one re-run (confirmKeeps). */
const confirmed = (run: LoopRun, state: LoopState, experiment: Experiment): Effect.Effect<Experiment, ExperimentEnded | WorkspaceError> =>
  Effect.gen(function* () {
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
