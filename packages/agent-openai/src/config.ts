// The OpenAI / OpenAI-compatible agent's configuration, decoded so a wrong value is one clear
// ConfigError.
import { PriceTable, RetryPolicy } from "@autoresearch/core"
import { Schema } from "effect"

/** An API key given as a plain string or already Redacted; always held Redacted. */
export const ApiKey = Schema.Union(Schema.RedactedFromSelf(Schema.String), Schema.Redacted(Schema.String))

export const OpenAIAgentConfig = Schema.Struct({
  /** Default gpt-4.1; for a local server its model name, e.g. qwen2.5-coder. */
  model: Schema.optionalWith(Schema.String, { default: () => "gpt-4.1" }),
  /** Default: OPENAI_API_KEY. Not needed for a local server (baseURL set). */
  apiKey: Schema.optional(ApiKey),
  /** An OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama). Default: OPENAI_BASE_URL, else OpenAI. */
  baseURL: Schema.optional(Schema.String),
  temperature: Schema.optional(Schema.Number.pipe(Schema.between(0, 2))),
  /** Output tokens per model turn. */
  maxTokens: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 4096 }),
  /**
   * The request field that carries maxTokens: OpenAI's current `max_completion_tokens`, or the
   * older `max_tokens` most local servers read. Default: the first for OpenAI, the second with a baseURL.
   */
  maxTokensField: Schema.optional(Schema.Literal("max_completion_tokens", "max_tokens")),
  /** Model turns allowed for one proposal. */
  maxTurns: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 12 }),
  /** Per request, before it counts as a (retried) timeout; local models can be slow. */
  timeoutMs: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 300_000 }),
  retry: Schema.optional(Schema.partial(RetryPolicy)),
  /** Merged over the built-in prices. */
  prices: Schema.optional(PriceTable),
  /** Non-keep experiments shown in the history table. */
  historyRows: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
})
export type OpenAIAgentConfig = typeof OpenAIAgentConfig.Type
export type OpenAIAgentConfigInput = typeof OpenAIAgentConfig.Encoded
