// TEST DOUBLE. An Agent that plays a fixed script instead of thinking: for tests of the loop
// and of users' own plugins, never for research.
import { Effect, Layer } from "effect"
import type { FileEdit } from "../domain.js"
import { AgentError } from "../errors.js"
import { Agent, type ProposalContext } from "../services/agent.js"

/** One scripted answer: a proposal, or a failure of the agent. */
export type ScriptedProposal =
  | { readonly description: string; readonly edits: ReadonlyArray<FileEdit>; readonly costUsd?: number }
  | { readonly fail: string; readonly costUsd?: number }

/** A fixed list (played in order), or a function of the call number (0-based) and the context. */
export type AgentScript = ReadonlyArray<ScriptedProposal> | ((call: number, ctx: ProposalContext) => ScriptedProposal)

/** TEST DOUBLE: an Agent layer and every context the loop handed it. */
export interface ScriptedAgentDouble {
  readonly layer: Layer.Layer<Agent>
  /** Every context the loop handed to the agent, in order (to assert on feedback and history). */
  readonly contexts: ReadonlyArray<ProposalContext>
}

/**
 * TEST DOUBLE: an Agent that plays a fixed script of proposals and failures.
 *
 * @example
 * const agent = ScriptedAgent.make([{ description: "lr up", edits: [{ path: "train.ts", old: "0.01", new: "0.02" }] }, { fail: "rate limited" }])
 */
export const ScriptedAgent = {
  make: (script: AgentScript): ScriptedAgentDouble => {
    const contexts: Array<ProposalContext> = []
    const propose = (ctx: ProposalContext) =>
      Effect.suspend(() => {
        const call = contexts.length
        contexts.push(ctx)
        const step = typeof script === "function" ? script(call, ctx) : script[call]
        if (step === undefined) {
          return Effect.fail(new AgentError({ message: `ScriptedAgent (test double): script exhausted after ${call} proposal(s)` }))
        }
        if ("fail" in step) return Effect.fail(new AgentError({ message: step.fail, costUsd: step.costUsd }))
        return Effect.succeed({ description: step.description, edits: step.edits, costUsd: step.costUsd ?? 0 })
      })
    return { layer: Layer.succeed(Agent, { name: "scripted-agent (test double)", propose }), contexts }
  }
}
