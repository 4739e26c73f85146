// Claude as the researcher: the Messages API wire format for the core LLM driver. The
// assistant's content goes back exactly as received (thinking and redacted_thinking blocks
// included: a Claude 5.x model thinks by default and refuses a conversation that drops them).
// The system prompt, tools, program.md + canvas and the growing conversation are marked for
// prompt caching, so each tool turn re-reads them at the cache price.
import Anthropic from "@anthropic-ai/sdk"
import {
  Agent,
  ConfigError,
  decodeAgentConfig,
  decodeOrGarbage,
  defaultRetryPolicy,
  loadApiKey,
  makeLlmAgent,
  type ModelPrice,
  readSetting,
  resolvePrice,
  sdkCall,
  sdkClientOptions,
  sdkErrorHandling,
  type StopKind,
  systemPrompt,
  toolDefinitions,
  type WireFormat
} from "@autoresearch/core"
import { Effect, Layer, Option, Redacted, Schema } from "effect"
import { AnthropicAgentConfig, type AnthropicAgentConfigInput } from "./config.js"
import { deprecatedClaudeModels } from "./models.js"
import { anthropicPrices } from "./prices.js"

// Only the parts of a response we read, decoded: anything else is a garbage response. The
// blocks themselves go back into the conversation untouched.
const ResponseBlock = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text"), text: Schema.String }),
  Schema.Struct({ type: Schema.Literal("tool_use"), id: Schema.String, name: Schema.String, input: Schema.Unknown }),
  Schema.Struct({ type: Schema.String })
)
const MessageResponse = Schema.Struct({
  content: Schema.Array(ResponseBlock),
  stop_reason: Schema.optional(Schema.NullOr(Schema.String)),
  stop_details: Schema.optional(Schema.NullOr(Schema.Struct({ explanation: Schema.optional(Schema.NullOr(Schema.String)) }))),
  usage: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        input_tokens: Schema.Number,
        output_tokens: Schema.Number,
        cache_creation_input_tokens: Schema.optional(Schema.NullOr(Schema.Number)),
        cache_read_input_tokens: Schema.optional(Schema.NullOr(Schema.Number))
      })
    )
  )
})
const decodeResponse = decodeOrGarbage(MessageResponse)

// How a failed call reads: the Messages API's own message comes as `apiMessage`.
const errors = sdkErrorHandling(Anthropic, { apiMessage: (error) => error.apiMessage || undefined })

const stopKinds: Record<string, StopKind> = { tool_use: "tool_use", max_tokens: "max_tokens", refusal: "refusal" }

/** The conversation with a cache breakpoint on the newest block. */
const withCacheBreakpoint = (
  messages: ReadonlyArray<Anthropic.MessageParam>,
  cache: Anthropic.CacheControlEphemeral
): Array<Anthropic.MessageParam> =>
  messages.map((message, index) => {
    if (index !== messages.length - 1 || typeof message.content === "string" || message.content.length === 0) return message
    const blocks = [...message.content]
    blocks[blocks.length - 1] = { ...blocks[blocks.length - 1], cache_control: cache } as Anthropic.ContentBlockParam
    return { ...message, content: blocks } as Anthropic.MessageParam
  })

/** temperature is refused (400) by the current API: say so at once rather than on the first request. */
const refuseTemperature = (input: unknown): Effect.Effect<void, ConfigError> =>
  typeof input === "object" && input !== null && "temperature" in input
    ? Effect.fail(
        new ConfigError({
          message: "invalid AnthropicAgent configuration: temperature is refused by current Claude models (the API answers 400); remove it"
        })
      )
    : Effect.void

/** A 1-hour cache write costs more: the price the run is billed at. */
const billedPrice = (price: ModelPrice | undefined, ttl: "5m" | "1h"): ModelPrice | undefined =>
  price === undefined || ttl === "5m" ? price : { ...price, cacheWritePerMTok: price.cacheWrite1hPerMTok ?? 2 * price.inputPerMTok }

/** Builds the Claude agent from a plain configuration object. */
const make = (input: AnthropicAgentConfigInput = {}): Effect.Effect<Agent["Type"], ConfigError> =>
  Effect.gen(function* () {
    yield* refuseTemperature(input)
    const config = yield* decodeAgentConfig(AnthropicAgentConfig, "AnthropicAgent", input)
    const apiKey = yield* loadApiKey({
      configured: config.apiKey,
      variable: "ANTHROPIC_API_KEY",
      provider: "Anthropic",
      hint: "set ANTHROPIC_API_KEY or pass apiKey to AnthropicAgent.layer"
    })
    const baseURL = config.baseURL ?? Option.getOrElse(yield* readSetting("ANTHROPIC_BASE_URL"), () => "https://api.anthropic.com")
    const retiring = deprecatedClaudeModels[config.model]
    if (retiring !== undefined) {
      yield* Effect.logWarning(`anthropic: the model ${config.model} is deprecated and reaches end of life on ${retiring}; choose a current one with --model (default claude-sonnet-5-5)`)
    }
    const price = billedPrice(
      yield* resolvePrice({ provider: "anthropic", model: config.model, table: { ...anthropicPrices, ...config.prices }, costCapped: config.costCapped ?? false }),
      config.cacheTtl
    )
    const key = Redacted.value(apiKey)
    const client = new Anthropic({
      apiKey: key,
      baseURL,
      // x-api-key instead of the SDK's Authorization: Bearer (a null removes a header).
      ...(config.authHeader === "x-api-key" ? { defaultHeaders: { authorization: null, "x-api-key": key } } : {}),
      ...sdkClientOptions(config.timeoutMs)
    })
    const cache: Anthropic.CacheControlEphemeral = config.cacheTtl === "1h" ? { type: "ephemeral", ttl: "1h" } : { type: "ephemeral" }
    const tools: Array<Anthropic.Tool> = toolDefinitions.map((tool, index) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.parameters as unknown as Anthropic.Tool.InputSchema,
      ...(index === toolDefinitions.length - 1 ? { cache_control: cache } : {})
    }))

    const wire: WireFormat<Anthropic.MessageParam> = {
      open: (context) => [
        { role: "user", content: [{ type: "text", text: context.stable, cache_control: cache }, { type: "text", text: context.dynamic }] }
      ],
      answer: (reply) => {
        const content: Array<Anthropic.ContentBlockParam> = reply.toolResults.map((result) => ({
          type: "tool_result",
          tool_use_id: result.callId,
          content: result.output,
          is_error: result.isError
        }))
        if (reply.note !== undefined) content.push({ type: "text", text: reply.note })
        return [{ role: "user", content }]
      },
      send: (messages, request) =>
        sdkCall(
          (signal) =>
            // client.post rather than messages.create: create() writes a deprecation warning to
            // the console on every request; ours is logged once, when the agent is built.
            client.post<unknown>("/v1/messages", {
              body: {
                model: config.model,
                max_tokens: request.maxTokens,
                system: [{ type: "text", text: systemPrompt, cache_control: cache }],
                tools,
                messages: withCacheBreakpoint(messages, cache),
                ...(config.thinking !== undefined ? { thinking: { type: config.thinking } } : {}),
                ...(config.effort !== undefined ? { output_config: { effort: config.effort } } : {})
              } satisfies Anthropic.MessageCreateParamsNonStreaming,
              signal
            }),
          request.signal
        ).pipe(
          Effect.flatMap((raw) => Effect.map(decodeResponse(raw), (response) => ({ raw: raw as { content: Array<Anthropic.ContentBlockParam> }, response }))),
          Effect.map(({ raw, response }) => {
            const text = response.content.flatMap((block) => (block.type === "text" && "text" in block ? [block.text] : [])).join("\n")
            const usage = response.usage ?? undefined
            return {
              text,
              toolCalls: response.content.flatMap((block) =>
                block.type === "tool_use" && "id" in block ? [{ id: block.id, name: block.name, input: block.input }] : []
              ),
              usage:
                usage === undefined
                  ? undefined
                  : {
                      inputTokens: usage.input_tokens,
                      outputTokens: usage.output_tokens,
                      cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
                      cacheReadTokens: usage.cache_read_input_tokens ?? 0
                    },
              stop: stopKinds[response.stop_reason ?? ""] ?? "end",
              ...(response.stop_reason ? { stopReason: response.stop_reason } : {}),
              ...(response.stop_reason === "refusal" ? { refusal: response.stop_details?.explanation ?? text } : {}),
              // The raw blocks, exactly as received: thinking signatures must not change.
              echo: [{ role: "assistant" as const, content: raw.content }]
            }
          })
        )
    }

    return makeLlmAgent({
      provider: "anthropic",
      model: config.model,
      wire,
      errors,
      policy: { ...defaultRetryPolicy, ...config.retry },
      maxTokens: config.maxTokens,
      maxTokensCeiling: Math.max(config.maxTokens, config.maxTokensCeiling),
      maxTurns: config.maxTurns,
      price,
      secrets: [apiKey],
      ...(config.historyRows !== undefined ? { historyRows: config.historyRows } : {})
    })
  })

/** Claude as the research agent. */
export const AnthropicAgent = {
  make,
  /** The Agent layer; fails with a ConfigError for a bad configuration or a missing key. */
  layer: (config: AnthropicAgentConfigInput = {}): Layer.Layer<Agent, ConfigError> => Layer.effect(Agent, make(config))
} as const
