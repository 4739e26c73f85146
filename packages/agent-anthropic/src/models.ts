// Which Claude model runs by default, and which are retiring. Chosen in one place.

/** The default: the newest Sonnet in the SDK's model list (@anthropic-ai/sdk 1.14), a fast all-round model. */
export const defaultClaudeModel = "claude-sonnet-5-5"

/**
 * Models past or near end of life, with the date: a copy of the SDK's
 * internal/data/deprecated-models.ts (not exported; a test keeps the two equal).
 */
export const deprecatedClaudeModels: Readonly<Record<string, string>> = {
  "claude-mythos-preview": "June 30th, 2026",
  "claude-opus-4-5": "January 22nd, 2027",
  "claude-opus-4-5-20251101": "January 22nd, 2027",
  "claude-sonnet-4-5": "November 30th, 2026",
  "claude-sonnet-4-5-20250929": "November 30th, 2026"
}
