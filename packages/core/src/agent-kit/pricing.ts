// Token usage and its price. Prices are per million tokens, configurable per model, so the
// loop's maxCostUsd cap works for any provider and any price change.
import { Schema } from "effect"

/** A model's price in dollars per million tokens (input, output, cache writes and reads). */
export const ModelPrice = Schema.Struct({
  /** Dollars per million uncached input tokens. */
  inputPerMTok: Schema.Number.pipe(Schema.nonNegative()),
  /** Dollars per million output tokens. */
  outputPerMTok: Schema.Number.pipe(Schema.nonNegative()),
  /** Dollars per million tokens written to the prompt cache (default: the input price). */
  cacheWritePerMTok: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  /** Dollars per million tokens written to a 1-hour prompt cache (Anthropic; default: twice the input price). */
  cacheWrite1hPerMTok: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  /** Dollars per million tokens read from the prompt cache (default: the input price). */
  cacheReadPerMTok: Schema.optional(Schema.Number.pipe(Schema.nonNegative()))
})
/** A model's price per million tokens (see the `ModelPrice` Schema). */
export type ModelPrice = typeof ModelPrice.Type

/** Prices by model name; a name also prices its dated snapshots (claude-opus-4-20250514, gpt-5.4-mini-2026-03-17). */
export const PriceTable = Schema.Record({ key: Schema.String, value: ModelPrice })
export type PriceTable = typeof PriceTable.Type

/** Tokens one call (or a whole conversation) used, by how they are billed. */
export interface TokenUsage {
  /** Input tokens billed at the full input price (cache reads and writes excluded). */
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cacheWriteTokens: number
  readonly cacheReadTokens: number
}

/** No tokens yet: the start of a sum of usages. */
export const emptyUsage: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 }

/**
 * The sum of two usages.
 *
 * @example
 * addUsage(emptyUsage, { inputTokens: 10, outputTokens: 5, cacheWriteTokens: 0, cacheReadTokens: 0 })
 */
export const addUsage = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens
})

// A dated snapshot's suffix: -20250514 or -2026-03-17. Nothing looser: gpt-5 must not price
// gpt-5.4, nor claude-opus-4 price claude-opus-4-8 (a wrong price is worse than none).
const dateSuffix = /^-\d{4}-?\d{2}-?\d{2}$/

/** The price of `model`: an exact entry, else the entry it is a dated snapshot of; undefined is unknown. */
export const priceFor = (table: PriceTable, model: string): ModelPrice | undefined => {
  if (table[model] !== undefined) return table[model]
  const base = Object.keys(table).find((name) => model.startsWith(name) && dateSuffix.test(model.slice(name.length)))
  return base === undefined ? undefined : table[base]
}

/** Dollars for `usage` at `price`. */
export const costOf = (usage: TokenUsage, price: ModelPrice): number =>
  (usage.inputTokens * price.inputPerMTok +
    usage.outputTokens * price.outputPerMTok +
    usage.cacheWriteTokens * (price.cacheWritePerMTok ?? price.inputPerMTok) +
    usage.cacheReadTokens * (price.cacheReadPerMTok ?? price.inputPerMTok)) /
  1_000_000
