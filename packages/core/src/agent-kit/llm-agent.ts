// The one LLM researcher. A provider plugs in only its wire format (how a conversation is
// opened, sent, read and answered); everything else is here, the same for every provider:
// retries, what a refusal or a reply cut off at max_tokens means, usage and price, the turn
// loop and the transcript (runConversation).
import { Effect, type Redacted } from "effect"
import { type AgentError, ConfigError } from "../errors.js"
import type { Agent, ProposalContext } from "../services/agent.js"
import { type RenderedContext, renderContext } from "./context.js"
import { type ModelTurn, runConversation, type TurnReply } from "./conversation.js"
import type { ToolCall } from "./edit-session.js"
import { addUsage, emptyUsage, type ModelPrice, type PriceTable, priceFor, type TokenUsage } from "./pricing.js"
import { systemPrompt } from "./prompt.js"
import type { RetryPolicy } from "./retry.js"
import { type SdkErrorHandling, withSdkRetries } from "./sdk-errors.js"

/** Why the model stopped, in the driver's terms. */
export type StopKind = "tool_use" | "end" | "max_tokens" | "refusal"

/** One model reply, read from the wire. */
export interface WireReply<Message> {
  readonly text: string
  readonly toolCalls: ReadonlyArray<ToolCall>
  /** undefined: the server reported none (its cost is then unknown). */
  readonly usage: TokenUsage | undefined
  readonly stop: StopKind
  /** The provider's own word for it (stop_reason, finish_reason, status). */
  readonly stopReason?: string
  /** The refusal's words, when stop is "refusal". */
  readonly refusal?: string
  /** The assistant's turn as it goes back into the conversation: exactly as received. */
  readonly echo: ReadonlyArray<Message>
  /** Every input token of the request (cached included), to notice a prompt near the context size. */
  readonly promptTokens?: number
}

/** A provider's wire format. `Message` is its conversation item (a message, an input item). */
export interface WireFormat<Message> {
  /** The opening items: the rendered context (and the system prompt where the format carries it so). */
  readonly open: (context: RenderedContext) => Array<Message>
  /** The items that carry tool results and/or a note back to the model. */
  readonly answer: (reply: TurnReply) => Array<Message>
  /** One request; fails with whatever the SDK threw (the driver retries and names it). */
  readonly send: (
    messages: ReadonlyArray<Message>,
    request: { readonly maxTokens: number; readonly signal: AbortSignal | undefined }
  ) => Effect.Effect<WireReply<Message>, unknown>
}

/** What `makeLlmAgent` needs from a provider adapter: its client call, wire format, price and retry settings. */
export interface LlmAgentOptions<Message> {
  /** "anthropic", "openai": names the agent, its log lines and errors. */
  readonly provider: string
  readonly model: string
  readonly wire: WireFormat<Message>
  readonly errors: SdkErrorHandling
  readonly policy: RetryPolicy
  /** Output tokens per request (thinking and reasoning count toward it). */
  readonly maxTokens: number
  /** A reply cut off at maxTokens is asked again with twice the room, up to this. */
  readonly maxTokensCeiling: number
  readonly maxTurns: number
  /** undefined: unknown (counted as 0, saved as null). */
  readonly price: ModelPrice | undefined
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  readonly historyRows?: number
  /** The server's context size in tokens where known: a prompt near it warns once (it may be cut). */
  readonly contextTokens?: number
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 300)

/** The Agent for a provider's wire format. */
export const makeLlmAgent = <Message>(options: LlmAgentOptions<Message>): Agent["Type"] => {
  const label = `${options.provider} ${options.model}`
  const warned = new Set<string>()
  const warnOnce = (key: string, message: string) =>
    warned.has(key) ? Effect.void : Effect.zipRight(Effect.sync(() => warned.add(key)), Effect.logWarning(message))
  // Grows when a reply is cut off, and stays grown: the next proposal will need the room too.
  let maxTokens = options.maxTokens

  const read = (reply: WireReply<Message>) =>
    Effect.gen(function* () {
      if (reply.usage === undefined) {
        yield* warnOnce("usage", `${label}: the server reports no token usage; the agent's cost is unknown and counted as $0`)
      }
      if (options.contextTokens !== undefined && reply.promptTokens !== undefined && reply.promptTokens >= 0.9 * options.contextTokens) {
        yield* warnOnce(
          "context",
          `${label}: the prompt used ${reply.promptTokens} of the server's ${options.contextTokens} context tokens; ` +
            "a server may silently cut a longer prompt (raise its context size, e.g. OLLAMA_CONTEXT_LENGTH=32768)"
        )
      }
    })

  const propose = (ctx: ProposalContext) => {
    const context = renderContext(ctx, options.historyRows !== undefined ? { recentOthers: options.historyRows } : {})
    const messages = options.wire.open(context)
    const send = () =>
      withSdkRetries(options.wire.send(messages, { maxTokens, signal: ctx.signal }), {
        policy: options.policy,
        errors: options.errors,
        label,
        secrets: options.secrets
      })

    const turn = (answer: TurnReply | undefined): Effect.Effect<ModelTurn, AgentError> =>
      Effect.gen(function* () {
        if (answer !== undefined) messages.push(...options.wire.answer(answer))
        let usage = emptyUsage
        let usageUnknown = false
        for (;;) {
          const reply = yield* send()
          yield* read(reply)
          usage = addUsage(usage, reply.usage ?? emptyUsage)
          if (reply.usage === undefined) usageUnknown = true
          const base = { text: reply.text, usage, stopReason: reply.stopReason ?? reply.stop, ...(usageUnknown ? { usageUnknown } : {}) }
          if (reply.stop === "refusal") {
            return { ...base, toolCalls: [], failure: `${label} refused${reply.refusal ? `: ${oneLine(reply.refusal)}` : ""}` }
          }
          // A reply cut off in a tool call holds half a call: never run it; ask again with more room.
          if (reply.stop === "max_tokens" && (reply.toolCalls.length > 0 || reply.text.trim() === "")) {
            if (maxTokens < options.maxTokensCeiling) {
              const next = Math.min(options.maxTokensCeiling, maxTokens * 2)
              yield* Effect.logWarning(`${label}: the reply was cut off at max_tokens ${maxTokens}; asking again with ${next}`)
              maxTokens = next
              continue
            }
            return {
              ...base,
              toolCalls: [],
              failure: `${label}: the reply was cut off at max_tokens ${maxTokens} (thinking counts toward it); raise maxTokens`
            }
          }
          // An empty reply goes back as nothing: the API refuses an empty assistant message.
          if (reply.text.trim() !== "" || reply.toolCalls.length > 0) messages.push(...reply.echo)
          return { ...base, toolCalls: reply.toolCalls }
        }
      })

    return runConversation({
      agent: options.provider,
      model: options.model,
      ctx,
      system: systemPrompt,
      context,
      maxTurns: options.maxTurns,
      price: options.price,
      secrets: options.secrets,
      turn
    })
  }

  return { name: `${options.provider}:${options.model}`, propose }
}

/**
 * The model's price from `table` (built-in prices merged with the user's). Unknown is unknown:
 * a warning, or a ConfigError when the run has a cost cap (maxCostUsd) that it could not enforce.
 */
export const resolvePrice = (options: {
  readonly provider: string
  readonly model: string
  readonly table: PriceTable
  /** The run stops at a cost cap: an unknown price cannot be allowed. */
  readonly costCapped: boolean
  /** A local server: no price is the norm, not worth a warning. */
  readonly local?: boolean
}): Effect.Effect<ModelPrice | undefined, ConfigError> => {
  const price = priceFor(options.table, options.model)
  if (price !== undefined) return Effect.succeed(price)
  if (options.costCapped) {
    return Effect.fail(
      new ConfigError({
        message: `no price known for ${options.provider} model ${options.model}, so maxCostUsd cannot be enforced`,
        hint: `give its price, e.g. prices: { "${options.model}": { inputPerMTok: 2, outputPerMTok: 10 } }, or drop maxCostUsd`
      })
    )
  }
  const say = options.local ? Effect.logDebug : Effect.logWarning
  return Effect.as(say(`${options.provider}: no price known for model ${options.model}; its cost is unknown, recorded as null and shown as "?" (set prices)`), undefined)
}
