// Propose → apply, up to `editAttempts` times: edits that do not apply go back to the agent
// with the reason. Ends the experiment as `agent_error` when the agent fails, `invalid` when
// no proposal applied; otherwise the edits are committed and the diff published.
import { Effect } from "effect"
import type { WorkspaceError } from "../errors.js"
import type { ProposalContext } from "../services/agent.js"
import { applyEdits, commit } from "./apply.js"
import { endWith, type Experiment, type ExperimentEnded, unlessKilled } from "./experiment.js"
import { propose, proposalContext } from "./propose.js"
import { readCanvas, type LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"

export const proposeAndApply =
  (run: LoopRun, state: LoopState) =>
  (start: Experiment): Effect.Effect<Experiment, ExperimentEnded | WorkspaceError> =>
    Effect.gen(function* () {
      const context = proposalContext(run, state, start, yield* readCanvas(run))
      let experiment = start
      let feedback: ProposalContext["feedback"]
      for (let attempt = 1; attempt <= run.config.editAttempts; attempt++) {
        const [asked, answer] = yield* propose(run, experiment, { ...context, feedback })
        experiment = yield* unlessKilled(run, asked)
        if (answer._tag === "Left") {
          const description = experiment.proposal?.description ?? "(no proposal)"
          return yield* endWith(run, experiment, { description, status: "agent_error", decisionReason: `agent failed: ${answer.left.message}` }, answer.left.retryable)
        }
        const proposal = answer.right
        experiment = { ...experiment, proposal }
        const applied = yield* applyEdits(run, proposal)
        if (applied._tag === "Left") {
          feedback = { kind: "edit_failed", message: applied.left }
          continue
        }
        experiment = yield* commit(run, experiment, proposal.description)
        const diff = yield* run.workspace.diff(experiment.parent, experiment.commit)
        yield* run.publish({ _tag: "ProposalReady", id: experiment.id, description: proposal.description, diff })
        return { ...experiment, diff }
      }
      return yield* endWith(run, experiment, {
        description: experiment.proposal?.description ?? "(no proposal)",
        status: "invalid",
        decisionReason: `edits did not apply after ${run.config.editAttempts} attempt(s): ${feedback?.message}`
      })
    })
