// A local HTTP server that answers like the OpenAI Chat Completions API, from a script of replies,
// so the real SDK is exercised over real HTTP. It records every request it receives.
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

export interface ScriptedReply {
  readonly status?: number
  readonly headers?: Record<string, string>
  /** An object is sent as JSON; a string is sent raw (for garbage). */
  readonly body: unknown
  readonly delayMs?: number
}

export interface RecordedRequest {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: any
}

export const startWireServer = async () => {
  const script: Array<ScriptedReply> = []
  const requests: Array<RecordedRequest> = []
  const server = createServer((req, res) => {
    let raw = ""
    req.on("data", (chunk) => (raw += chunk))
    req.on("end", () => {
      requests.push({ path: req.url ?? "", headers: req.headers, body: raw ? JSON.parse(raw) : undefined })
      const reply = script.shift() ?? { status: 500, body: { type: "error", error: { type: "api_error", message: "script exhausted" } } }
      const send = () => {
        if (res.destroyed) return
        res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers })
        res.end(typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body))
      }
      reply.delayMs ? setTimeout(send, reply.delayMs) : send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    script,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

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
