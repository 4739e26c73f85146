// List prices in USD per million tokens, short-prompt tier (platform.claude.com model pages and
// pricing, as of 2026-11-30). Override or extend them with the `prices` option; a model with no
// entry has an unknown cost. cacheWritePerMTok is the 5-minute cache, cacheWrite1hPerMTok the 1-hour one.
import type { ModelPrice, PriceTable } from "@autoresearch/core"

const price = (input: number, output: number, write5m: number, write1h: number, read: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  cacheWritePerMTok: write5m,
  cacheWrite1hPerMTok: write1h,
  cacheReadPerMTok: read
})

export const anthropicPrices: PriceTable = {
  "claude-opus-5-5": price(4, 20, 5, 8, 0.2),
  "claude-opus-5": price(5, 25, 6.25, 10, 0.5),
  // Sonnet 5.5's cache reads were cut to $0.10 on 2026-10-07.
  "claude-sonnet-5-5": price(2, 10, 2.5, 4, 0.1),
  "claude-sonnet-5": price(2, 10, 2.5, 4, 0.2),
  // Prompts up to 100k tokens (an experiment's prompt is far below); longer ones cost 5x.
  "claude-haiku-5-5": price(0.1, 0.5, 0.125, 0.2, 0.01),
  "claude-opus-4-8": price(5, 25, 6.25, 10, 0.5),
  "claude-opus-4-7": price(5, 25, 6.25, 10, 0.5),
  "claude-opus-4-6": price(5, 25, 6.25, 10, 0.5),
  "claude-opus-4-5": price(5, 25, 6.25, 10, 0.5),
  "claude-opus-4-1": price(15, 75, 18.75, 30, 1.5),
  "claude-opus-4": price(15, 75, 18.75, 30, 1.5),
  "claude-sonnet-4-6": price(3, 15, 3.75, 6, 0.3),
  "claude-sonnet-4-5": price(3, 15, 3.75, 6, 0.3),
  "claude-sonnet-4": price(3, 15, 3.75, 6, 0.3),
  "claude-haiku-4-5": price(1, 5, 1.25, 2, 0.1)
}
