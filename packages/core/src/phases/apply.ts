// Apply: write a proposal's edits to the canvas (all or none) and commit them. Edits that do
// not apply are an answer for the agent, not an error of the loop.
import { Effect, Either } from "effect"
import type { Proposal } from "../domain.js"
import type { WorkspaceError } from "../errors.js"
import type { Experiment } from "./experiment.js"
import type { LoopRun } from "./run-context.js"

/** Applies the edits; Left is why they did not apply (nothing was written then). */
export const applyEdits = (run: LoopRun, proposal: Proposal): Effect.Effect<Either.Either<void, string>, WorkspaceError> =>
  run.workspace.apply(proposal.edits).pipe(
    Effect.as(Either.right<void>(undefined)),
    Effect.catchTag("EditError", (error) => Effect.succeed(Either.left(error.message)))
  )

/** Commits the applied edits on the run branch; the experiment now points at that commit. */
export const commit = (run: LoopRun, experiment: Experiment, subject: string): Effect.Effect<Experiment, WorkspaceError> =>
  Effect.map(run.workspace.commit(`${subject}\n\nautoresearch experiment ${experiment.id} (${run.config.tag})`), (hash) => ({ ...experiment, commit: hash }))
