// The Claude agent's configuration, decoded so a wrong value is one clear ConfigError.
import { PriceTable, RetryPolicy } from "@autoresearch/core"
import { Schema } from "effect"
import { defaultClaudeModel } from "./models.js"

/** An API key given as a plain string or already Redacted; always held Redacted. */
export const ApiKey = Schema.Union(Schema.RedactedFromSelf(Schema.String), Schema.Redacted(Schema.String))

export const AnthropicAgentConfig = Schema.Struct({
  /** Default claude-sonnet-5-5 (see models.ts). */
  model: Schema.optionalWith(Schema.String, { default: () => defaultClaudeModel }),
  /** Default: ANTHROPIC_API_KEY from the configuration (the environment, or runResearch's `env`). */
  apiKey: Schema.optional(ApiKey),
  /** Another endpoint speaking the Messages API (a proxy, a gateway). Default: ANTHROPIC_BASE_URL, else Anthropic's. */
  baseURL: Schema.optional(Schema.String),
  /** How the key is sent: `Authorization: Bearer` (the SDK's way) or `x-api-key` (for gateways that read only that). */
  authHeader: Schema.optionalWith(Schema.Literal("bearer", "x-api-key"), { default: () => "bearer" as const }),
  /** Thinking: "adaptive" or "disabled"; default the model's own (Claude 5.x models think by default). */
  thinking: Schema.optional(Schema.Literal("adaptive", "disabled")),
  /** How much effort the model puts in (output_config.effort); default the model's own. */
  effort: Schema.optional(Schema.Literal("low", "medium", "high", "xhigh", "max")),
  /** Output tokens per request, thinking included. */
  maxTokens: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 16_000 }),
  /** A reply cut off at maxTokens is asked again with twice the room, up to this. */
  maxTokensCeiling: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 64_000 }),
  /** Prompt-cache lifetime: "1h" when experiments take longer than the 5-minute cache (writes cost more, reads stay cheap). */
  cacheTtl: Schema.optionalWith(Schema.Literal("5m", "1h"), { default: () => "5m" as const }),
  /** Model turns allowed for one proposal. */
  maxTurns: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 12 }),
  /** Per request, before it counts as a (retried) timeout; thinking takes a while. */
  timeoutMs: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 600_000 }),
  retry: Schema.optional(Schema.partial(RetryPolicy)),
  /** Merged over the built-in prices. */
  prices: Schema.optional(PriceTable),
  /** The run has a cost cap (maxCostUsd): a model without a known price is then a ConfigError. */
  costCapped: Schema.optional(Schema.Boolean),
  /** Non-keep experiments shown in the history table. */
  historyRows: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
})
export type AnthropicAgentConfig = typeof AnthropicAgentConfig.Type
export type AnthropicAgentConfigInput = typeof AnthropicAgentConfig.Encoded
