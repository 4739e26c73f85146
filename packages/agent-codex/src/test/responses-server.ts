// TEST DOUBLE. A local server that answers Codex as the OpenAI Responses API does (streamed as
// server-sent events), so the real Codex SDK and binary run against it. Codex first tries the
// Responses WebSocket transport (a GET upgrade on /responses); like a gateway without it, this
// server answers 404 and Codex falls back to HTTPS. Every POST is recorded and answered from a
// script of output items.
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

export type OutputItem = Record<string, unknown>

/** One scripted answer: output items, or an API error status. */
export type Reply = { readonly items: ReadonlyArray<OutputItem>; readonly delayMs?: number } | { readonly status: number; readonly message: string }

export interface RecordedRequest {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: any
}

const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`

const usage = { input_tokens: 2000, input_tokens_details: { cached_tokens: 500 }, output_tokens: 100, output_tokens_details: { reasoning_tokens: 20 }, total_tokens: 2100 }

/** A whole streamed Responses API answer carrying the given output items. */
export const streamedResponse = (id: string, items: ReadonlyArray<OutputItem>): string =>
  event("response.created", { response: { id } }) +
  items.map((item, index) => event("response.output_item.done", { output_index: index, item })).join("") +
  event("response.completed", { response: { id, usage } })

export const message = (text: string): OutputItem => ({
  type: "message",
  role: "assistant",
  id: `msg_${Math.random().toString(36).slice(2)}`,
  content: [{ type: "output_text", text, annotations: [] }]
})

let calls = 0
/** A call of Codex's exec_command tool (the tool it offers for a model it has no metadata for). */
export const execCommand = (cmd: string): OutputItem => {
  calls++
  return { type: "function_call", id: `fc_${calls}`, call_id: `call_${calls}`, name: "exec_command", arguments: JSON.stringify({ cmd }) }
}

export interface ResponsesServer {
  /** The base URL, ending in /v1. */
  readonly url: string
  readonly script: Array<Reply>
  readonly requests: Array<RecordedRequest>
  readonly close: () => Promise<void>
}

export const startResponsesServer = async (): Promise<ResponsesServer> => {
  const script: Array<Reply> = []
  const requests: Array<RecordedRequest> = []
  const server = createServer((req, res) => {
    let raw = ""
    req.on("data", (chunk) => (raw += chunk))
    req.on("end", () => {
      if (req.method !== "POST") {
        res.writeHead(404).end()
        return
      }
      requests.push({ path: req.url ?? "", headers: req.headers, body: raw ? JSON.parse(raw) : undefined })
      const reply = script.shift() ?? { status: 500, message: "script exhausted" }
      if ("status" in reply) {
        res.writeHead(reply.status, { "content-type": "application/json" })
        res.end(JSON.stringify({ error: { message: reply.message, type: "server_error", code: null } }))
        return
      }
      const id = `resp_${requests.length}`
      const send = () => {
        if (res.destroyed) return
        res.writeHead(200, { "content-type": "text/event-stream" })
        res.end(streamedResponse(id, reply.items))
      }
      reply.delayMs ? setTimeout(send, reply.delayMs) : send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    script,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
