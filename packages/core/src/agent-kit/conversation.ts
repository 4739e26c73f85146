// The provider-independent half of an LLM agent: a bounded loop of model turns, each turn's
// tool calls executed on the in-memory canvas, usage and cost summed, the transcript saved.
// An adapter only translates one turn to and from its provider's wire format.
import { Effect, type Redacted } from "effect"
import { addCost } from "../cost.js"
import type { Proposal } from "../domain.js"
import { AgentError } from "../errors.js"
import type { ProposalContext } from "../services/agent.js"
import type { RenderedContext } from "./context.js"
import { makeEditSession, type ToolCall, type ToolResult } from "./edit-session.js"
import { appendNote } from "./notes.js"
import { addUsage, costOf, emptyUsage, type ModelPrice, type TokenUsage } from "./pricing.js"
import { saveTranscript } from "./transcript.js"

/** What the model said in one turn. */
export interface ModelTurn {
  readonly text: string
  readonly toolCalls: ReadonlyArray<ToolCall>
  readonly usage: TokenUsage
  readonly stopReason?: string
  /** The server reported no usage for (part of) this turn: the proposal's cost is unknown. */
  readonly usageUnknown?: boolean
  /** Set when the turn ends the proposal without a result (a refusal, a reply cut off): why. */
  readonly failure?: string
}

/** What goes back to the model before its next turn: tool results and/or a user note. */
export interface TurnReply {
  readonly toolResults: ReadonlyArray<ToolResult>
  readonly note?: string
}

/** What `runConversation` needs: the context, one `turn` in the provider's wire format, the turn limit, the price and the transcript settings. */
export interface ConversationOptions {
  readonly agent: string
  readonly model: string
  readonly ctx: ProposalContext
  readonly system: string
  readonly context: RenderedContext
  /** Model turns allowed for one proposal. */
  readonly maxTurns: number
  /** The model's price; undefined: unknown (a local model, or no entry), counted as 0 and saved as null. */
  readonly price: ModelPrice | undefined
  /** Values that must never reach a transcript. */
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /** One model turn: the first call gets no reply, later calls the reply to the last turn. */
  readonly turn: (reply: TurnReply | undefined) => Effect.Effect<ModelTurn, AgentError>
}

interface TranscriptTurn {
  readonly text: string
  readonly toolCalls: ReadonlyArray<{ readonly name: string; readonly input: unknown }>
  readonly results: ReadonlyArray<{ readonly name: string; readonly output: string; readonly isError: boolean }>
  readonly note?: string
  readonly usage: TokenUsage
  readonly stopReason?: string
}

const noToolsNote = "Use the tools: make your change with `replace`, then call `finish` with a one-line description."
const lastTurnNote = "This is your last turn: call `finish` now if your edits are complete."

/** Runs one proposal's conversation to a Proposal, or an AgentError that carries the spend. */
export const runConversation = (options: ConversationOptions): Effect.Effect<Proposal, AgentError> =>
  Effect.gen(function* () {
    const { notesFile, experimentId } = options.ctx
    const session = makeEditSession(options.ctx.files, notesFile === undefined ? undefined : (text) => appendNote(notesFile, experimentId, text))
    const turns: Array<TranscriptTurn> = []
    const startedAt = new Date().toISOString()
    let usage = emptyUsage
    const cost = () => (options.price === undefined ? 0 : costOf(usage, options.price))
    let usageKnown = true
    const knownCost = () => (options.price === undefined || !usageKnown ? null : cost())

    const save = (outcome: unknown) =>
      saveTranscript(
        options.ctx.transcriptDir,
        options.ctx.experimentId,
        {
          agent: options.agent,
          model: options.model,
          experimentId: options.ctx.experimentId,
          startedAt,
          finishedAt: new Date().toISOString(),
          usage,
          costUsd: knownCost(),
          outcome,
          system: options.system,
          context: options.context,
          turns
        },
        options.secrets
      )

    const converse = Effect.gen(function* () {
      let reply: TurnReply | undefined
      for (let turnIndex = 0; turnIndex < options.maxTurns; turnIndex++) {
        const turn = yield* options.turn(reply)
        usage = addUsage(usage, turn.usage)
        if (turn.usageUnknown) usageKnown = false
        if (turn.failure !== undefined) {
          turns.push({ text: turn.text, toolCalls: [], results: [], usage: turn.usage, ...(turn.stopReason !== undefined ? { stopReason: turn.stopReason } : {}) })
          return yield* Effect.fail(new AgentError({ message: turn.failure, retryable: false }))
        }
        const results: Array<ToolResult> = []
        let finished: string | undefined
        for (const call of turn.toolCalls) {
          // Calls after `finish` in the same turn are answered, not run: the proposal is closed.
          if (finished !== undefined) {
            results.push({ callId: call.id, name: call.name, output: "error: ignored, the proposal was already finished", isError: true })
            continue
          }
          const outcome = session.execute(call)
          results.push(outcome.result)
          if (outcome._tag === "Finished") finished = outcome.description
        }
        const isLast = turnIndex === options.maxTurns - 2
        const note = turn.toolCalls.length === 0 ? noToolsNote : isLast ? lastTurnNote : undefined
        turns.push({
          text: turn.text,
          toolCalls: turn.toolCalls.map((call) => ({ name: call.name, input: call.input })),
          results: results.map(({ name, output, isError }) => ({ name, output, isError })),
          ...(note !== undefined && finished === undefined ? { note } : {}),
          usage: turn.usage,
          ...(turn.stopReason !== undefined ? { stopReason: turn.stopReason } : {})
        })
        if (finished !== undefined) return { description: finished, edits: session.edits() }
        reply = { toolResults: results, ...(note !== undefined ? { note } : {}) }
      }
      return yield* Effect.fail(
        new AgentError({
          message: `${options.agent} did not call finish within ${options.maxTurns} turns (${session.edits().length} edits made)`,
          retryable: false
        })
      )
    })

    return yield* converse.pipe(
      Effect.flatMap((result) =>
        Effect.map(save({ kind: "proposal", ...result }), (transcript): Proposal => ({
          description: result.description,
          edits: result.edits,
          costUsd: knownCost(),
          ...(transcript !== undefined ? { transcript } : {})
        }))
      ),
      Effect.catchAll((error) =>
        Effect.zipRight(
          save({ kind: "error", message: error.message }),
          Effect.fail(
            new AgentError({
              message: error.message,
              ...(error.retryable !== undefined ? { retryable: error.retryable } : {}),
              costUsd: addCost(error.costUsd ?? 0, knownCost())
            })
          )
        )
      )
    )
  })
