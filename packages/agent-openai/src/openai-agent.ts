// An OpenAI model, or any OpenAI-compatible server (Ollama, vLLM, llama.cpp), as the
// researcher: Chat Completions with the replace/view/finish tools as functions. OpenAI caches
// long prompt prefixes by itself, so the stable parts (system prompt, program.md, canvas) come first.
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
import OpenAI from "openai"
import { OpenAIAgentConfig, type OpenAIAgentConfigInput } from "./config.js"
import { openaiPrices } from "./prices.js"

// Only the parts of a response we use, decoded: anything else is a garbage response.
const ToolCallWire = Schema.Struct({
  id: Schema.optional(Schema.NullOr(Schema.String)),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.optional(Schema.NullOr(Schema.Unknown)) })
})
const CompletionResponse = Schema.Struct({
  choices: Schema.NonEmptyArray(
    Schema.Struct({
      message: Schema.Struct({
        content: Schema.optional(Schema.NullOr(Schema.String)),
        tool_calls: Schema.optional(Schema.NullOr(Schema.Array(ToolCallWire)))
      }),
      finish_reason: Schema.optional(Schema.NullOr(Schema.String))
    })
  ),
  usage: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        prompt_tokens: Schema.Number,
        completion_tokens: Schema.Number,
        prompt_tokens_details: Schema.optional(Schema.NullOr(Schema.Struct({ cached_tokens: Schema.optional(Schema.NullOr(Schema.Number)) })))
      })
    )
  )
})
const decodeResponse = decodeOrGarbage(CompletionResponse)

// How a failed call reads: the API's own message is in the error body; connection failures say so.
const errors = sdkErrorHandling(OpenAI, {
  apiMessage: (error) => {
    const detail = (error.error as { message?: unknown } | undefined)?.message
    return typeof detail === "string" ? detail : undefined
  },
  describeConnectionFailures: true
})

/** Arguments arrive as a JSON string; a few local servers send an object. Both go to the executor as sent. */
const argumentsText = (args: unknown) => (typeof args === "string" ? args : JSON.stringify(args ?? {}))

const resolveEnv = (name: string) =>
  Config.option(Config.redacted(name)).pipe(Effect.orElseSucceed(() => Option.none<Redacted.Redacted<string>>()))

/** Builds the OpenAI(-compatible) agent from a plain configuration object. */
const make = (input: OpenAIAgentConfigInput = {}): Effect.Effect<Agent["Type"], ConfigError> =>
  Effect.gen(function* () {
    const config = yield* decodeAgentConfig(OpenAIAgentConfig, "OpenAIAgent", input)
    const baseURL = config.baseURL ?? Option.getOrUndefined(Option.map(yield* resolveEnv("OPENAI_BASE_URL"), Redacted.value))
    const envKey = yield* resolveEnv("OPENAI_API_KEY")
    const apiKey = config.apiKey ?? Option.getOrUndefined(envKey)
    if (apiKey === undefined && baseURL === undefined) {
      return yield* Effect.fail(
        new ConfigError({
          message: "no OpenAI API key",
          hint: "set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server, or pass apiKey / baseURL to OpenAIAgent.layer"
        })
      )
    }
    const secrets = apiKey === undefined ? [] : [apiKey]
    const client = new OpenAI({
      // Local servers ignore the key, but the SDK insists on one.
      apiKey: apiKey === undefined ? "local-server" : Redacted.value(apiKey),
      ...(baseURL !== undefined ? { baseURL } : {}),
      ...sdkClientOptions(config.timeoutMs)
    })
    const policy = { ...defaultRetryPolicy, ...config.retry }
    const maxTokensField = config.maxTokensField ?? (baseURL === undefined ? "max_completion_tokens" : "max_tokens")
    const price = priceFor({ ...openaiPrices, ...config.prices }, config.model)
    if (price === undefined) {
      yield* (baseURL === undefined ? Effect.logWarning : Effect.logDebug)(
        `openai: no price for model ${config.model}; its spend counts as $0 (set prices)`
      )
    }
    const tools: Array<OpenAI.Chat.ChatCompletionFunctionTool> = toolDefinitions.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters as unknown as Record<string, unknown> }
    }))
    const label = `openai ${config.model}`

    const call = (messages: ReadonlyArray<OpenAI.Chat.ChatCompletionMessageParam>, signal: AbortSignal | undefined) =>
      sdkCall(
        (abort) =>
          client.chat.completions.create(
            {
              model: config.model,
              messages: [...messages],
              tools,
              tool_choice: "auto",
              [maxTokensField]: config.maxTokens,
              ...(config.temperature !== undefined ? { temperature: config.temperature } : {})
            },
            { signal: abort }
          ),
        signal
      ).pipe(Effect.flatMap(decodeResponse))

    const propose = (ctx: ProposalContext) => {
      const context = renderContext(ctx, config.historyRows !== undefined ? { recentOthers: config.historyRows } : {})
      const messages: Array<OpenAI.Chat.ChatCompletionMessageParam> = [
        { role: "system", content: systemPrompt },
        { role: "user", content: `${context.stable}\n\n${context.dynamic}` }
      ]
      let callCount = 0
      const turn = (reply: TurnReply | undefined): Effect.Effect<ModelTurn, AgentError> => {
        if (reply !== undefined) {
          for (const result of reply.toolResults) messages.push({ role: "tool", tool_call_id: result.callId, content: result.output })
          if (reply.note !== undefined) messages.push({ role: "user", content: reply.note })
        }
        return withSdkRetries(call(messages, ctx.signal), { policy, errors, label, secrets }).pipe(
          Effect.map((response): ModelTurn => {
            const choice = response.choices[0]
            const toolCalls = (choice.message.tool_calls ?? []).map((wire) => ({
              id: wire.id ?? `call_${++callCount}`,
              name: wire.function.name,
              input: argumentsText(wire.function.arguments)
            }))
            messages.push({
              role: "assistant",
              content: choice.message.content ?? null,
              ...(toolCalls.length > 0
                ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.input } })) }
                : {})
            })
            const cached = response.usage?.prompt_tokens_details?.cached_tokens ?? 0
            return {
              text: choice.message.content ?? "",
              toolCalls,
              usage: {
                inputTokens: (response.usage?.prompt_tokens ?? 0) - cached,
                outputTokens: response.usage?.completion_tokens ?? 0,
                cacheWriteTokens: 0,
                cacheReadTokens: cached
              },
              ...(choice.finish_reason ? { stopReason: choice.finish_reason } : {})
            }
          })
        )
      }
      return runConversation({
        agent: "openai",
        model: config.model,
        ctx,
        system: systemPrompt,
        context,
        maxTurns: config.maxTurns,
        price,
        secrets,
        turn
      })
    }

    return { name: `openai:${config.model}`, propose }
  })

/** An OpenAI or OpenAI-compatible (Ollama, vLLM, llama.cpp) model as the research agent. */
export const OpenAIAgent = {
  make,
  /** The Agent layer; fails with a ConfigError for a bad configuration or a missing key. */
  layer: (config: OpenAIAgentConfigInput = {}): Layer.Layer<Agent, ConfigError> => Layer.effect(Agent, make(config))
} as const
