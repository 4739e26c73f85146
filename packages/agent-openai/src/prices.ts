// List prices in USD per million tokens, standard tier, prompts up to 272k tokens
// (developers.openai.com pricing, as of 2026-11-30); cached input is the cache-read price.
// Override or extend with the `prices` option. A model with no entry (every local model) has an
// unknown cost.
import type { ModelPrice, PriceTable } from "@autoresearch/core"

const price = (input: number, cachedInput: number | undefined, output: number, cacheWrite?: number): ModelPrice => ({
  inputPerMTok: input,
  outputPerMTok: output,
  ...(cachedInput !== undefined ? { cacheReadPerMTok: cachedInput } : {}),
  ...(cacheWrite !== undefined ? { cacheWritePerMTok: cacheWrite } : {})
})

export const openaiPrices: PriceTable = {
  "gpt-6-astra": price(10, 1, 50),
  "gpt-6-sol": price(2, 0.2, 10, 2.5),
  "gpt-6-luna": price(0.1, 0.01, 0.5, 0.125),
  "gpt-5.6-sol": price(5, 0.5, 30),
  // Terra and Luna were cut on 2026-07-30.
  "gpt-5.6-terra": price(2, 0.2, 12),
  "gpt-5.6-luna": price(0.2, 0.02, 1.2),
  "gpt-5.5": price(5, 0.5, 30),
  "gpt-5.5-pro": price(30, undefined, 180),
  "gpt-5.4": price(2.5, 0.25, 15),
  "gpt-5.4-mini": price(0.75, 0.075, 4.5),
  "gpt-5.4-nano": price(0.2, 0.02, 1.25),
  "gpt-5.4-pro": price(30, undefined, 180),
  "gpt-5": price(1.25, 0.125, 10),
  "gpt-5-mini": price(0.25, 0.025, 2),
  "gpt-5-nano": price(0.05, 0.005, 0.4),
  "gpt-4.1": price(2, 0.5, 8),
  "gpt-4.1-mini": price(0.4, 0.1, 1.6),
  "gpt-4o": price(2.5, 1.25, 10),
  "gpt-4o-mini": price(0.15, 0.075, 0.6)
}
