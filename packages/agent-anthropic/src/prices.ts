// List prices in USD per million tokens (platform.claude.com pricing, late 2025). Override or
// extend them with the `prices` option when they change; a model without a price costs 0.
import type { PriceTable } from "@autoresearch/core"

export const anthropicPrices: PriceTable = {
  "claude-opus-4-5": { inputPerMTok: 5, outputPerMTok: 25, cacheWritePerMTok: 6.25, cacheReadPerMTok: 0.5 },
  // Opus 4 and 4.1, including dated names such as claude-opus-4-20250514.
  "claude-opus-4": { inputPerMTok: 15, outputPerMTok: 75, cacheWritePerMTok: 18.75, cacheReadPerMTok: 1.5 },
  "claude-sonnet-4": { inputPerMTok: 3, outputPerMTok: 15, cacheWritePerMTok: 3.75, cacheReadPerMTok: 0.3 },
  "claude-3-7-sonnet": { inputPerMTok: 3, outputPerMTok: 15, cacheWritePerMTok: 3.75, cacheReadPerMTok: 0.3 },
  "claude-haiku-4-5": { inputPerMTok: 1, outputPerMTok: 5, cacheWritePerMTok: 1.25, cacheReadPerMTok: 0.1 },
  "claude-3-5-haiku": { inputPerMTok: 0.8, outputPerMTok: 4, cacheWritePerMTok: 1, cacheReadPerMTok: 0.08 }
}
