// Claude as the researcher: the Messages API with the replace/view/finish tools. The system
// prompt, the tools and program.md + canvas are marked for prompt caching, as is the growing
// conversation, so each tool turn re-reads them at the cache price.
import Anthropic from "@anthropic-ai/sdk"
import {
  Agent,
  type AgentError,
  ConfigError,
  decodeAgentConfig,
  decodeOrGarbage,
  defaultRetryPolicy,
  type ModelTurn,
  priceFor,
  type ProposalContext,
  renderContext,
  runConversation,
  sdkCall,
  sdkClientOptions,
  sdkErrorHandling,
  systemPrompt,
  toolDefinitions,
  type TurnReply,
  withSdkRetries
} from "@autoresearch/core"
import { Config, Effect, Layer, Option, Redacted, Schema } from "effect"
import { AnthropicAgentConfig, type AnthropicAgentConfigInput } from "./config.js"
import { anthropicPrices } from "./prices.js"

const cache = { type: "ephemeral" } as const

// Only the parts of a response we use, decoded: anything else is a garbage response.
const ResponseBlock = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text"), text: Schema.String }),
  Schema.Struct({ type: Schema.Literal("tool_use"), id: Schema.String, name: Schema.String, input: Schema.Unknown }),
  Schema.Struct({ type: Schema.String })
)
const MessageResponse = Schema.Struct({
  content: Schema.Array(ResponseBlock),
  stop_reason: Schema.optional(Schema.NullOr(Schema.String)),
  usage: Schema.Struct({
    input_tokens: Schema.Number,
    output_tokens: Schema.Number,
    cache_creation_input_tokens: Schema.optional(Schema.NullOr(Schema.Number)),
    cache_read_input_tokens: Schema.optional(Schema.NullOr(Schema.Number))
  })
})
const decodeResponse = decodeOrGarbage(MessageResponse)

// How a failed call reads: the Messages API's own message comes as `apiMessage`.
const errors = sdkErrorHandling(Anthropic, { apiMessage: (error) => error.apiMessage || undefined })

const toParam = (block: typeof ResponseBlock.Type): Array<Anthropic.ContentBlockParam> =>
  block.type === "text" && "text" in block
    ? [{ type: "text", text: block.text }]
    : block.type === "tool_use" && "id" in block
      ? [{ type: "tool_use", id: block.id, name: block.name, input: block.input }]
      : []

/** The conversation so far with a cache breakpoint on the newest block. */
const withCacheBreakpoint = (messages: ReadonlyArray<Anthropic.MessageParam>): Array<Anthropic.MessageParam> =>
  messages.map((message, index) => {
    if (index !== messages.length - 1 || typeof message.content === "string" || message.content.length === 0) return message
    const blocks = [...message.content]
    blocks[blocks.length - 1] = { ...blocks[blocks.length - 1], cache_control: cache } as Anthropic.ContentBlockParam
    return { ...message, content: blocks } as Anthropic.MessageParam
  })

const resolveKey = (configured: Redacted.Redacted<string> | undefined) =>
  configured !== undefined
    ? Effect.succeed(configured)
    : Config.option(Config.redacted("ANTHROPIC_API_KEY")).pipe(
        Effect.orElseSucceed(() => Option.none<Redacted.Redacted<string>>()),
        Effect.flatMap(
          Option.match({
            onNone: () =>
              Effect.fail(
                new ConfigError({
                  message: "no Anthropic API key",
                  hint: "set ANTHROPIC_API_KEY or pass apiKey to AnthropicAgent.layer"
                })
              ),
            onSome: Effect.succeed
          })
        )
      )

/** Builds the Claude agent from a plain configuration object. */
const make = (input: AnthropicAgentConfigInput = {}): Effect.Effect<Agent["Type"], ConfigError> =>
  Effect.gen(function* () {
    const config = yield* decodeAgentConfig(AnthropicAgentConfig, "AnthropicAgent", input)
    const apiKey = yield* resolveKey(config.apiKey)
    const client = new Anthropic({
      apiKey: Redacted.value(apiKey),
      ...(config.baseURL !== undefined ? { baseURL: config.baseURL } : {}),
      ...sdkClientOptions(config.timeoutMs)
    })
    const policy = { ...defaultRetryPolicy, ...config.retry }
    const price = priceFor({ ...anthropicPrices, ...config.prices }, config.model)
    if (price === undefined) yield* Effect.logWarning(`anthropic: no price for model ${config.model}; its spend counts as $0 (set prices)`)
    const tools: Array<Anthropic.Tool> = toolDefinitions.map((tool, index) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.parameters as unknown as Anthropic.Tool.InputSchema,
      ...(index === toolDefinitions.length - 1 ? { cache_control: cache } : {})
    }))

    const call = (messages: ReadonlyArray<Anthropic.MessageParam>, signal: AbortSignal | undefined) =>
      sdkCall(
        (abort) =>
          client.messages.create(
            {
              model: config.model,
              max_tokens: config.maxTokens,
              ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
              system: [{ type: "text", text: systemPrompt, cache_control: cache }],
              tools,
              messages: withCacheBreakpoint(messages)
            },
            { signal: abort }
          ),
        signal
      ).pipe(Effect.flatMap(decodeResponse))

    const propose = (ctx: ProposalContext) => {
      const context = renderContext(ctx, config.historyRows !== undefined ? { recentOthers: config.historyRows } : {})
      const messages: Array<Anthropic.MessageParam> = [
        { role: "user", content: [{ type: "text", text: context.stable, cache_control: cache }, { type: "text", text: context.dynamic }] }
      ]
      const turn = (reply: TurnReply | undefined): Effect.Effect<ModelTurn, AgentError> => {
        if (reply !== undefined) {
          const content: Array<Anthropic.ContentBlockParam> = reply.toolResults.map((result) => ({
            type: "tool_result",
            tool_use_id: result.callId,
            content: result.output,
            is_error: result.isError
          }))
          if (reply.note !== undefined) content.push({ type: "text", text: reply.note })
          messages.push({ role: "user", content })
        }
        return withSdkRetries(call(messages, ctx.signal), { policy, errors, label: `anthropic ${config.model}`, secrets: [apiKey] }).pipe(
          Effect.map((response): ModelTurn => {
            messages.push({ role: "assistant", content: response.content.flatMap(toParam) })
            return {
              text: response.content.flatMap((block) => (block.type === "text" && "text" in block ? [block.text] : [])).join("\n"),
              toolCalls: response.content.flatMap((block) =>
                block.type === "tool_use" && "id" in block ? [{ id: block.id, name: block.name, input: block.input }] : []
              ),
              usage: {
                inputTokens: response.usage.input_tokens,
                outputTokens: response.usage.output_tokens,
                cacheWriteTokens: response.usage.cache_creation_input_tokens ?? 0,
                cacheReadTokens: response.usage.cache_read_input_tokens ?? 0
              },
              ...(response.stop_reason ? { stopReason: response.stop_reason } : {})
            }
          })
        )
      }
      return runConversation({
        agent: "anthropic",
        model: config.model,
        ctx,
        system: systemPrompt,
        context,
        maxTurns: config.maxTurns,
        price,
        secrets: [apiKey],
        turn
      })
    }

    return { name: `anthropic:${config.model}`, propose }
  })

/** Claude as the research agent. */
export const AnthropicAgent = {
  make,
  /** The Agent layer; fails with a ConfigError for a bad configuration or a missing key. */
  layer: (config: AnthropicAgentConfigInput = {}): Layer.Layer<Agent, ConfigError> => Layer.effect(Agent, make(config))
} as const
