// The Claude Code agent's configuration, decoded so a wrong value is one clear ConfigError.
import { Schema } from "effect"

export const ClaudeCodeAgentConfig = Schema.Struct({
  /** The model Claude Code uses; default the CLI's own default. */
  model: Schema.optional(Schema.String),
  /** Model turns allowed for one proposal (the SDK's maxTurns). */
  maxTurns: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { default: () => 30 }),
  /** Dollars one proposal may spend before Claude Code stops it (the SDK's maxBudgetUsd). */
  maxBudgetUsd: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 1 }),
  /** A gateway speaking the Messages API; default ANTHROPIC_BASE_URL, else Anthropic's. */
  baseURL: Schema.optional(Schema.String),
  /** One proposal's wall-clock limit. */
  timeoutMs: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { default: () => 15 * 60_000 }),
  /** A Claude Code executable to run instead of the one the SDK brings. */
  executable: Schema.optional(Schema.String),
  /** The environment handed to the CLI (its login, keys, base URL); default process.env. */
  env: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.UndefinedOr(Schema.String) })),
  /** The run has a cost cap (maxCostUsd); Claude Code always reports its spend, so nothing changes. */
  costCapped: Schema.optional(Schema.Boolean),
  /** Non-keep experiments shown in the history table. */
  historyRows: Schema.optional(Schema.Int.pipe(Schema.nonNegative()))
})
export type ClaudeCodeAgentConfig = typeof ClaudeCodeAgentConfig.Type
export type ClaudeCodeAgentConfigInput = typeof ClaudeCodeAgentConfig.Encoded
