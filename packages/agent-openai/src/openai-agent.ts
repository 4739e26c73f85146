// An OpenAI model, or any OpenAI-compatible server (Ollama, vLLM, llama.cpp), as the
// researcher: the core LLM driver with the Responses API (OpenAI itself) or Chat Completions
// (OpenAI-compatible servers) as its wire format. OpenAI caches long prompt prefixes by itself,
// so the stable parts (system prompt, program.md, canvas) come first.
import {
  Agent,
  ConfigError,
  decodeAgentConfig,
  defaultRetryPolicy,
  findApiKey,
  makeLlmAgent,
  readSetting,
  resolvePrice,
  sdkClientOptions,
  sdkErrorHandling,
  type WireFormat
} from "@autoresearch/core"
import { Effect, Layer, Option, Redacted } from "effect"
import OpenAI from "openai"
import { chatWire } from "./chat-wire.js"
import { OpenAIAgentConfig, type OpenAIAgentConfigInput } from "./config.js"
import { openaiPrices } from "./prices.js"
import { responsesWire } from "./responses-wire.js"

// How a failed call reads: the API's own message is in the error body; connection failures say so.
const errors = sdkErrorHandling(OpenAI, {
  apiMessage: (error) => {
    const detail = (error.error as { message?: unknown } | undefined)?.message
    return typeof detail === "string" ? detail : undefined
  },
  describeConnectionFailures: true
})

const openaiURL = "https://api.openai.com/v1"

/** Builds the OpenAI(-compatible) agent from a plain configuration object. */
const make = (input: OpenAIAgentConfigInput = {}): Effect.Effect<Agent["Type"], ConfigError> =>
  Effect.gen(function* () {
    const config = yield* decodeAgentConfig(OpenAIAgentConfig, "OpenAIAgent", input)
    const baseURL = config.baseURL ?? Option.getOrUndefined(yield* readSetting("OPENAI_BASE_URL"))
    const apiKey = yield* findApiKey({ configured: config.apiKey, variable: "OPENAI_API_KEY" })
    if (apiKey === undefined && baseURL === undefined) {
      return yield* Effect.fail(
        new ConfigError({
          message: "no OpenAI API key",
          hint: "set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server, or pass apiKey / baseURL to OpenAIAgent.layer"
        })
      )
    }
    const local = baseURL !== undefined
    const api = config.api ?? (local ? "chat" : "responses")
    if (api === "responses" && config.temperature !== undefined) {
      return yield* Effect.fail(
        new ConfigError({ message: "invalid OpenAIAgent configuration: temperature is refused by reasoning models on the Responses API; remove it, or use api: \"chat\"" })
      )
    }
    const secrets = apiKey === undefined ? [] : [apiKey]
    const client = new OpenAI({
      // Local servers ignore the key, but the SDK insists on one.
      apiKey: apiKey === undefined ? "local-server" : Redacted.value(apiKey),
      // Always explicit, so the SDK reads nothing from process.env behind the configuration's back.
      baseURL: baseURL ?? openaiURL,
      organization: null,
      project: null,
      ...sdkClientOptions(config.timeoutMs)
    })
    const price = yield* resolvePrice({
      provider: "openai",
      model: config.model,
      table: { ...openaiPrices, ...config.prices },
      costCapped: config.costCapped ?? false,
      local
    })
    const effort = config.reasoningEffort !== undefined ? { reasoningEffort: config.reasoningEffort } : {}
    const agent = <Message>(wire: WireFormat<Message>) =>
      makeLlmAgent({
        provider: "openai",
        model: config.model,
        wire,
        errors,
        policy: { ...defaultRetryPolicy, ...config.retry },
        maxTokens: config.maxTokens,
        maxTokensCeiling: Math.max(config.maxTokens, config.maxTokensCeiling),
        maxTurns: config.maxTurns,
        price,
        secrets,
        ...(config.contextTokens !== undefined ? { contextTokens: config.contextTokens } : {}),
        ...(config.historyRows !== undefined ? { historyRows: config.historyRows } : {})
      })
    return api === "responses"
      ? agent(responsesWire({ client, model: config.model, ...effort }))
      : agent(
          chatWire({
            client,
            model: config.model,
            maxTokensField: config.maxTokensField ?? (local ? "max_tokens" : "max_completion_tokens"),
            textToolCalls: config.textToolCalls,
            ...effort,
            ...(config.temperature !== undefined ? { temperature: config.temperature } : {})
          })
        )
  })

/** An OpenAI or OpenAI-compatible (Ollama, vLLM, llama.cpp) model as the research agent. */
export const OpenAIAgent = {
  make,
  /** The Agent layer; fails with a ConfigError for a bad configuration or a missing key. */
  layer: (config: OpenAIAgentConfigInput = {}): Layer.Layer<Agent, ConfigError> => Layer.effect(Agent, make(config))
} as const
