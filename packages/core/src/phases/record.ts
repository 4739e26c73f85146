// Record: append the experiment to the store (and pin a kept node), THEN reset to the best
// commit unless it became the best, then tell the listeners. Recording first means a kill in between leaves the result on
// disk, and the resume redoes the reset.
import { Effect } from "effect"
import type { ExperimentRecord } from "../domain.js"
import { diffStatOf } from "../diff-stat.js"
import type { StoreError, WorkspaceError } from "../errors.js"
import { pinNode } from "./branch.js"
import { type Experiment, toRecord } from "./experiment.js"
import type { LoopRun } from "./run-context.js"
import { bestCommit, withRecord, type LoopState } from "./state.js"

/** The record of an experiment that went through all its phases. */
export const finishedRecord = (run: LoopRun, experiment: Experiment): Effect.Effect<ExperimentRecord, WorkspaceError> =>
  Effect.gen(function* () {
    const decision = experiment.decision!
    if (experiment.baseline) return toRecord(run, experiment, { description: "baseline", status: decision.status, decisionReason: decision.reason })
    // After a repair the diff spans the fix too.
    const diff = experiment.repairs > 0 ? yield* run.workspace.diff(experiment.parent, experiment.commit) : experiment.diff ?? ""
    return toRecord(run, experiment, {
      description: experiment.proposal!.description,
      status: decision.status,
      decisionReason: decision.reason,
      diffStat: diffStatOf(diff)
    })
  })

export const record = (run: LoopRun, state: LoopState, entry: ExperimentRecord, retryable: boolean): Effect.Effect<LoopState, StoreError | WorkspaceError> =>
  Effect.gen(function* () {
    yield* run.store.append(entry)
    yield* pinNode(run, entry)
    const next = withRecord(state, entry, retryable)
    // A discard, or a node off the best (best-first), goes back to the best.
    if (entry.commit !== bestCommit(next)) yield* run.workspace.reset(bestCommit(next))
    yield* run.publish({ _tag: "ExperimentFinished", record: entry })
    return next
  })
