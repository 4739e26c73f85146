// A local HTTP server that answers like the Anthropic Messages API, from a script of replies,
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

const usage = { input_tokens: 1000, output_tokens: 100, cache_creation_input_tokens: 2000, cache_read_input_tokens: 0 }

/** A Messages API response holding the given content blocks. */
export const message = (content: Array<Record<string, unknown>>, stopReason = "tool_use", u: Record<string, number> = usage) => ({
  id: `msg_${Math.random().toString(36).slice(2)}`,
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
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
