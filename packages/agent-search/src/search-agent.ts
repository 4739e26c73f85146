// The offline default agent: no API key, no network. It searches the canvas's hyper-parameter
// block (see search.ts and docs/agents.md) and proposes one exact line edit per experiment.
import { Agent, AgentError, applyEdits, type CanvasFile, ConfigError, describeParseError, type ProposalContext } from "@autoresearch/core"
import { Effect, Either, Layer, Schema } from "effect"
import { backOff, nextProposal, type SearchResult } from "./search.js"

export const SearchAgentConfig = Schema.Struct({
  /** Same seed and same history, same proposal. Default 0. */
  seed: Schema.optionalWith(Schema.Int, { default: () => 0 }),
  /** The canvas file holding the hyper-parameters. Default: the first editable file. */
  path: Schema.optional(Schema.String),
  /** Only these parameters are searched. */
  include: Schema.optional(Schema.Array(Schema.String)),
  /** These parameters are never changed. */
  exclude: Schema.optional(Schema.Array(Schema.String)),
  /** Alternatives, as source text, for parameters the search cannot guess (e.g. a string). */
  choices: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })),
  /** Divisibility rules beyond the inferred ones: dividend % product(divisors) == 0. */
  constraints: Schema.optional(
    Schema.Array(Schema.Struct({ dividend: Schema.String, divisors: Schema.Array(Schema.Union(Schema.String, Schema.Number)) }))
  ),
  /** How often a parameter's step may halve. Default 4. */
  maxLevel: Schema.optional(Schema.Int.pipe(Schema.between(0, 20))),
  /** Experiments without a keep before it widens its steps and moves pairs. Default 6; 0 never. */
  plateauAfter: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  /** Move coupled parameters together (batch with learning rates, depth with width). Default true. */
  couple: Schema.optional(Schema.Boolean)
})
export type SearchAgentConfig = typeof SearchAgentConfig.Type
export type SearchAgentConfigInput = typeof SearchAgentConfig.Encoded

/** Builds the search agent from a plain configuration object. */
const make = (input: SearchAgentConfigInput = {}): Effect.Effect<Agent["Type"], ConfigError> =>
  Effect.map(
    Schema.decodeUnknown(SearchAgentConfig)(input, { onExcessProperty: "error" }).pipe(
      Effect.mapError(
        (error) => new ConfigError({ message: `invalid SearchAgent configuration: ${describeParseError(error)}` })
      )
    ),
    (config) => {
      // The move made per experiment, so a crash of it can be backed off (repairs happen within
      // one experiment, so this memory never needs to survive a resume).
      const moves = new Map<number, string>()
      const fileOf = (ctx: ProposalContext) => (config.path === undefined ? ctx.files[0] : ctx.files.find((candidate) => candidate.path === config.path))
      const noFile = () => new AgentError({ message: `search agent: no canvas file ${config.path ?? ""} among the editable files`, retryable: false })
      /** One result as a proposal, or why it cannot be one. */
      const asProposal = (ctx: ProposalContext, file: CanvasFile, result: SearchResult) => {
        if (result._tag === "Exhausted") return Either.left(new AgentError({ message: `search agent: ${result.reason}`, retryable: false }))
        const edits = result.proposal.lines.map((line) => ({ path: file.path, old: line.old, new: line.new }))
        // The line must occur once, as the workspace will insist.
        const applied = applyEdits(ctx.files, edits)
        if (Either.isLeft(applied)) return Either.left(new AgentError({ message: `search agent: ${applied.left}`, retryable: false }))
        return Either.right({ description: result.proposal.description, edits, costUsd: 0 })
      }
      const inFlight = (ctx: ProposalContext) => (ctx.inFlight ?? []).map((e) => e.description)
      const propose = (ctx: ProposalContext) =>
        Effect.suspend(() => {
          const file = fileOf(ctx)
          if (file === undefined) return Effect.fail(noFile())
          let result: SearchResult
          if (ctx.feedback?.kind === "repair") {
            // A crashed move is backed off halfway towards where it came from (a move proposed
            // among several in one call is known by the repair's description).
            const crashed = moves.get(ctx.experimentId) ?? ctx.feedback.description
            if (crashed === undefined) return Effect.fail(new AgentError({ message: "search agent: no move of this experiment to back off", retryable: false }))
            result = backOff(file.content, crashed)
          } else result = nextProposal(file.content, ctx.history, ctx.experimentId, config, inFlight(ctx))
          const proposal = asProposal(ctx, file, result)
          if (Either.isRight(proposal)) moves.set(ctx.experimentId, proposal.right.description)
          return proposal
        })
      /** Up to `count` different moves at once: each later one treats the earlier ones as training. */
      const proposeMany = (ctx: ProposalContext, count: number) =>
        Effect.suspend(() => {
          const file = fileOf(ctx)
          if (file === undefined) return Effect.fail(noFile())
          const pending = inFlight(ctx)
          const proposals: Array<{ description: string; edits: Array<{ path: string; old: string; new: string }>; costUsd: number }> = []
          for (let k = 0; k < count; k++) {
            const proposal = asProposal(ctx, file, nextProposal(file.content, ctx.history, ctx.experimentId, config, pending))
            if (Either.isLeft(proposal)) {
              if (k === 0) return Effect.fail(proposal.left)
              break
            }
            proposals.push(proposal.right)
            pending.push(proposal.right.description)
          }
          moves.set(ctx.experimentId, proposals[0]!.description)
          return Effect.succeed(proposals)
        })
      return { name: `search(seed ${config.seed})`, propose, proposeMany }
    }
  )

/** The offline hyper-parameter search agent. */
export const SearchAgent = {
  make,
  layer: (config: SearchAgentConfigInput = {}): Layer.Layer<Agent, ConfigError> => Layer.effect(Agent, make(config))
} as const
