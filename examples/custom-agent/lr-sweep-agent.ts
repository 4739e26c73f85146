// A researcher of your own: it only ever tunes one learning rate of the canvas, trying
// multiplicative steps around the best value so far. Any object with `propose(ctx)` that
// returns edits is an agent; wrap it in a Layer of the Agent tag and hand it to runResearch.
import { Agent, AgentError, type ProposalContext, type Proposal } from "autoresearch"
import { Effect, Layer } from "effect"

export interface LrSweepConfig {
  /** The constant to tune (a `const NAME = number` line of the canvas). */
  readonly name?: string
  /** Factors tried in turn against the current best value. */
  readonly factors?: ReadonlyArray<number>
}

const formatNumber = (value: number) => String(Number(value.toPrecision(3)))

export const proposeLr = (ctx: ProposalContext, config: LrSweepConfig = {}): Proposal | AgentError => {
  const name = config.name ?? "MATRIX_LR"
  const factors = config.factors ?? [1.5, 0.67, 2, 0.5, 1.25, 0.8]
  for (const file of ctx.files) {
    const match = new RegExp(`^const ${name} = ([0-9.eE+-]+)`, "m").exec(file.content)
    if (match === null) continue
    const current = Number(match[1])
    // the n-th change proposal of the run tries the n-th factor (the baseline is experiment 1)
    const factor = factors[(ctx.experimentId - 2 + factors.length) % factors.length]!
    const next = formatNumber(current * factor)
    return {
      description: `${name} ${match[1]} → ${next}`,
      edits: [{ path: file.path, old: match[0], new: `const ${name} = ${next}` }],
      costUsd: 0
    }
  }
  return new AgentError({ message: `no \`const ${name} = <number>\` line in the canvas`, retryable: false })
}

export const LrSweepAgent = {
  layer: (config: LrSweepConfig = {}) =>
    Layer.succeed(Agent, {
      name: "lr-sweep",
      propose: (ctx: ProposalContext) => {
        const result = proposeLr(ctx, config)
        return result instanceof AgentError ? Effect.fail(result) : Effect.succeed(result)
      }
    })
}
