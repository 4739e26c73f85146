// Replies in the shape of the Anthropic Messages API, for the ScriptedHttpServer of @autoresearch/core/test,
// so the real SDK is exercised over real HTTP.
import type { ScriptedReply } from "@autoresearch/core/test"

const usage = { input_tokens: 1000, output_tokens: 100, cache_creation_input_tokens: 2000, cache_read_input_tokens: 0 }

/** A Messages API response holding the given content blocks. */
export const message = (content: Array<Record<string, unknown>>, stopReason = "tool_use", u: Record<string, number> = usage) => ({
  id: `msg_${Math.random().toString(36).slice(2)}`,
  type: "message",
  role: "assistant",
  model: "claude-sonnet-5-5",
  content,
  stop_reason: stopReason,
  stop_sequence: null,
  usage: u
})

export const toolUse = (id: string, name: string, input: unknown) => ({ type: "tool_use", id, name, input })

export const apiError = (status: number, type: string, text: string, headers: Record<string, string> = {}): ScriptedReply => ({
  status,
  headers,
  body: { type: "error", error: { type, message: text } }
})
