// Replies in the shape of the OpenAI Chat Completions API, for the ScriptedHttpServer of @autoresearch/core/test,
// so the real SDK is exercised over real HTTP.
import type { ScriptedReply } from "@autoresearch/core/test"

/** A chat.completions response whose message holds `content` and the given tool calls. */
export const completion = (
  toolCalls: Array<{ id?: string; name: string; arguments: string }>,
  content: string | null = null,
  usage = { prompt_tokens: 3000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 1000 } }
) => ({
  id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-test",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content,
        tool_calls: toolCalls.map((call) => ({ ...(call.id ? { id: call.id } : {}), type: "function", function: { name: call.name, arguments: call.arguments } }))
      },
      finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop"
    }
  ],
  usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens }
})

export const apiError = (status: number, type: string, text: string, headers: Record<string, string> = {}): ScriptedReply => ({
  status,
  headers,
  body: { error: { message: text, type, code: null } }
})
