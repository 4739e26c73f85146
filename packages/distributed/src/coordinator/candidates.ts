// The agent as the coordinator's experiments see it: one question at a time (a parallel run
// must not multiply the agent's rate of calls), every context listing the experiments in
// flight, and, for an agent that can propose several ideas in one call (`proposeMany`), the
// spare ideas kept for the next free workers that start from the same canvas (a branching
// strategy's flights start from different nodes).
import { type AgentService, type ProposalContext, type ProposalInput } from "@autoresearch/core"
import { Effect } from "effect"

export interface CandidatePool {
  readonly agent: AgentService
  /** Forgets the spare ideas (they were made for a best that is no longer the best). */
  readonly clear: () => void
}

export const candidatePool = (
  agent: AgentService,
  options: {
    /** The experiments proposed and not yet recorded. */
    readonly inFlight: () => ProposalContext["inFlight"]
    /** How many new experiments could start now (this one included). */
    readonly freeSlots: () => number
  }
): Effect.Effect<CandidatePool> =>
  Effect.map(Effect.makeSemaphore(1), (oneAtATime) => {
    // The spare ideas by the node they were made for ("" for the best, greedy).
    const spare = new Map<string, Array<ProposalInput>>()
    const ask = (ctx: ProposalContext): Effect.Effect<ProposalInput, Effect.Effect.Error<ReturnType<AgentService["propose"]>>> =>
      Effect.suspend(() => {
        const fresh = ctx.feedback === undefined
        const node = ctx.branch?.commit ?? ""
        const ready = spare.get(node)
        if (fresh && ready !== undefined && ready.length > 0) return Effect.succeed(ready.shift()!)
        const count = options.freeSlots()
        if (!fresh || agent.proposeMany === undefined || count < 2) return agent.propose(ctx)
        return Effect.flatMap(agent.proposeMany(ctx, count), (ideas) => {
          if (ideas.length === 0) return agent.propose(ctx)
          spare.set(node, ideas.slice(1, count))
          return Effect.succeed(ideas[0]!)
        })
      })
    return {
      agent: {
        name: agent.name,
        propose: (ctx) => oneAtATime.withPermits(1)(Effect.suspend(() => ask({ ...ctx, inFlight: options.inFlight() ?? [] })))
      },
      clear: () => spare.clear()
    }
  })
