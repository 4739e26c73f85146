// The Claude agent's configuration, decoded so a wrong value is one clear ConfigError.
import { PriceTable, RetryPolicy } from "@autoresearch/core"
import { Schema } from "effect"

/** An API key given as a plain string or already Redacted; always held Redacted. */
export const ApiKey = Schema.Union(Schema.RedactedFromSelf(Schema.String), Schema.Redacted(Schema.String))

export const AnthropicAgentConfig = Schema.Struct({
  /** Default claude-sonnet-4-5. */
  model: Schema.optionalWith(Schema.String, { default: () => "claude-sonnet-4-5" }),
  /** Default: the ANTHROPIC_API_KEY environment variable. */
  apiKey: Schema.optional(ApiKey),
  /** Another endpoint speaking the Messages API (a proxy, a gateway); default the SDK's. */
  baseURL: Schema.optional(Schema.String),
  temperature: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  /** Output tokens per model turn. */
  maxTokens: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 4096 }),
  /** Model turns allowed for one proposal. */
  maxTurns: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 12 }),
  /** Per request, before it counts as a (retried) timeout. */
  timeoutMs: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 180_000 }),
  retry: Schema.optional(Schema.partial(RetryPolicy)),
  /** Merged over the built-in prices. */
  prices: Schema.optional(PriceTable),
  /** Non-keep experiments shown in the history table. */
  historyRows: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
})
export type AnthropicAgentConfig = typeof AnthropicAgentConfig.Type
export type AnthropicAgentConfigInput = typeof AnthropicAgentConfig.Encoded
