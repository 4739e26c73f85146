// The Codex agent's configuration, decoded so a wrong value is one clear ConfigError.
import { ModelPrice } from "@autoresearch/core"
import { Schema } from "effect"

export const CodexAgentConfig = Schema.Struct({
  /** The model Codex uses; default the CLI's own default. */
  model: Schema.optional(Schema.String),
  /** A gateway speaking the Responses API; default OPENAI_BASE_URL, else OpenAI's. */
  baseURL: Schema.optional(Schema.String),
  /** Tool calls (commands, patches) allowed for one proposal before it is stopped. */
  maxToolCalls: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 30 }),
  /** One proposal's wall-clock limit. */
  timeoutMs: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 15 * 60_000 }),
  /** Codex reports tokens, not dollars: its price per million tokens, to count the spend. */
  price: Schema.optional(ModelPrice),
  /** A Codex executable to run instead of the one the SDK brings. */
  executable: Schema.optional(Schema.String),
  /** The environment handed to the CLI (its login, keys, base URL); default process.env. */
  env: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.UndefinedOr(Schema.String) })),
  /** The run has a cost cap (maxCostUsd): without a price its spend cannot be counted, a ConfigError. */
  costCapped: Schema.optional(Schema.Boolean),
  /** Non-keep experiments shown in the history table. */
  historyRows: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
})
export type CodexAgentConfig = typeof CodexAgentConfig.Type
export type CodexAgentConfigInput = typeof CodexAgentConfig.Encoded
