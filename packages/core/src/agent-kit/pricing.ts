// Token usage and its price. Prices are per million tokens, configurable per model, so the
// loop's maxCostUsd cap works for any provider and any price change.
import { Schema } from "effect"

export const ModelPrice = Schema.Struct({
  /** Dollars per million uncached input tokens. */
  inputPerMTok: Schema.Number.pipe(Schema.nonNegative()),
  /** Dollars per million output tokens. */
  outputPerMTok: Schema.Number.pipe(Schema.nonNegative()),
  /** Dollars per million tokens written to the prompt cache (default: the input price). */
  cacheWritePerMTok: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  /** Dollars per million tokens read from the prompt cache (default: the input price). */
  cacheReadPerMTok: Schema.optional(Schema.Number.pipe(Schema.nonNegative()))
})
export type ModelPrice = typeof ModelPrice.Type

/** Prices by model name; a name also prices every model it is a prefix of (dated snapshots). */
export const PriceTable = Schema.Record({ key: Schema.String, value: ModelPrice })
export type PriceTable = typeof PriceTable.Type

export interface TokenUsage {
  /** Input tokens billed at the full input price (cache reads and writes excluded). */
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cacheWriteTokens: number
  readonly cacheReadTokens: number
}

export const emptyUsage: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 }

export const addUsage = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens
})

/** The price of `model`: an exact entry, else the longest entry that is a prefix of it. */
export const priceFor = (table: PriceTable, model: string): ModelPrice | undefined => {
  if (table[model] !== undefined) return table[model]
  const prefix = Object.keys(table)
    .filter((name) => model.startsWith(name))
    .sort((a, b) => b.length - a.length)[0]
  return prefix === undefined ? undefined : table[prefix]
}

/** Dollars for `usage` at `price`. */
export const costOf = (usage: TokenUsage, price: ModelPrice): number =>
  (usage.inputTokens * price.inputPerMTok +
    usage.outputTokens * price.outputPerMTok +
    usage.cacheWriteTokens * (price.cacheWritePerMTok ?? price.inputPerMTok) +
    usage.cacheReadTokens * (price.cacheReadPerMTok ?? price.inputPerMTok)) /
  1_000_000
