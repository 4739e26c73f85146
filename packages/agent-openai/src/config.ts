// The OpenAI / OpenAI-compatible agent's configuration, decoded so a wrong value is one clear
// ConfigError.
import { PriceTable, RetryPolicy } from "@autoresearch/core"
import { Schema } from "effect"

/** An API key given as a plain string or already Redacted; always held Redacted. */
export const ApiKey = Schema.Union(Schema.RedactedFromSelf(Schema.String), Schema.Redacted(Schema.String))

/** The default: GPT-5.6 Terra, the balanced tier of the newest family in the SDK's model list (openai 6.49). */
export const defaultOpenAIModel = "gpt-5.6-terra"

export const OpenAIAgentConfig = Schema.Struct({
  /** Default gpt-5.6-terra; for a local server its model name, e.g. qwen3-coder. */
  model: Schema.optionalWith(Schema.String, { default: () => defaultOpenAIModel }),
  /** Default: OPENAI_API_KEY from the configuration. Not needed for a local server (baseURL set). */
  apiKey: Schema.optional(ApiKey),
  /** An OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama). Default: OPENAI_BASE_URL, else OpenAI. */
  baseURL: Schema.optional(Schema.String),
  /**
   * The wire format: "responses" (OpenAI's Responses API; current OpenAI models accept function
   * tools only there) or "chat" (Chat Completions, what local servers speak). Default: responses
   * for OpenAI itself, chat with a baseURL.
   */
  api: Schema.optional(Schema.Literal("responses", "chat")),
  /** reasoning.effort (Responses) / reasoning_effort (Chat) for reasoning models; default the model's own. */
  reasoningEffort: Schema.optional(Schema.Literal("none", "minimal", "low", "medium", "high", "xhigh", "max")),
  /** Sampling temperature, for Chat Completions only: reasoning models refuse it. */
  temperature: Schema.optional(Schema.Number.pipe(Schema.between(0, 2))),
  /** Output tokens per request, reasoning included. */
  maxTokens: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 16_000 }),
  /** A reply cut off at maxTokens is asked again with twice the room, up to this. */
  maxTokensCeiling: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 64_000 }),
  /**
   * Chat Completions: the request field that carries maxTokens: OpenAI's `max_completion_tokens`,
   * or the older `max_tokens` most local servers read. Default: the first for OpenAI, the second with a baseURL.
   */
  maxTokensField: Schema.optional(Schema.Literal("max_completion_tokens", "max_tokens")),
  /** Chat Completions: read a tool call the model wrote as JSON text (local models do). Default true. */
  textToolCalls: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  /** The server's context size in tokens (e.g. Ollama's OLLAMA_CONTEXT_LENGTH): a prompt near it warns. */
  contextTokens: Schema.optional(Schema.Int.pipe(Schema.positive())),
  /** Model turns allowed for one proposal. */
  maxTurns: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 12 }),
  /** Per request, before it counts as a (retried) timeout; local models can be slow. */
  timeoutMs: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 600_000 }),
  retry: Schema.optional(Schema.partial(RetryPolicy)),
  /** Merged over the built-in prices. */
  prices: Schema.optional(PriceTable),
  /** The run has a cost cap (maxCostUsd): a model without a known price is then a ConfigError. */
  costCapped: Schema.optional(Schema.Boolean),
  /** Non-keep experiments shown in the history table. */
  historyRows: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
})
export type OpenAIAgentConfig = typeof OpenAIAgentConfig.Type
export type OpenAIAgentConfigInput = typeof OpenAIAgentConfig.Encoded
