// TEST DOUBLE. A local server that answers Claude Code as the Messages API does (streamed as
// server-sent events, the shape Claude Code 2.1 asks for with `stream: true`), so the real SDK
// and the real Claude Code binary run against it. The main conversation (the requests that
// offer Claude Code's tools) is answered from a script; side requests (e.g. a session title)
// get a short text. Every request is recorded.
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

export type Block =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "tool_use"; readonly id: string; readonly name: string; readonly input: unknown }

/** One scripted answer: content blocks, or an API error status. `cwd` is Claude Code's working directory. */
export type Turn = (
  cwd: string
) => { readonly blocks: ReadonlyArray<Block>; readonly delayMs?: number } | { readonly status: number; readonly message: string }

export interface RecordedRequest {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: any
  readonly main: boolean
}

const usage = { input_tokens: 1200, output_tokens: 80 }

const event = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`

/** A whole streamed Messages API response for the given content blocks. */
export const streamedMessage = (model: string, blocks: ReadonlyArray<Block>): string => {
  const stopReason = blocks.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn"
  let out = event("message_start", {
    message: {
      id: `msg_${Math.random().toString(36).slice(2)}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.input_tokens, output_tokens: 1 }
    }
  })
  blocks.forEach((block, index) => {
    if (block.type === "text") {
      out += event("content_block_start", { index, content_block: { type: "text", text: "" } })
      out += event("content_block_delta", { index, delta: { type: "text_delta", text: block.text } })
    } else {
      out += event("content_block_start", { index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } })
      out += event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } })
    }
    out += event("content_block_stop", { index })
  })
  out += event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } })
  return out + event("message_stop", {})
}

export interface MessagesServer {
  readonly url: string
  /** The main conversation's answers still to send, in order. */
  readonly script: Array<Turn>
  readonly requests: Array<RecordedRequest>
  readonly close: () => Promise<void>
}

export const startMessagesServer = async (): Promise<MessagesServer> => {
  const script: Array<Turn> = []
  const requests: Array<RecordedRequest> = []
  const server = createServer((req, res) => {
    let raw = ""
    req.on("data", (chunk) => (raw += chunk))
    req.on("end", () => {
      const body = raw ? JSON.parse(raw) : undefined
      const main = Array.isArray(body?.tools) && body.tools.some((tool: { name?: string }) => tool.name === "Edit")
      requests.push({ path: req.url ?? "", headers: req.headers, body, main })
      if (req.method !== "POST" || !req.url?.startsWith("/v1/messages")) {
        res.writeHead(200, { "content-type": "application/json" }).end("{}")
        return
      }
      const cwd = /Primary working directory: ([^\s\\"]+)/.exec(raw)?.[1] ?? ""
      const turn: Turn | undefined = main ? script.shift() : () => ({ blocks: [{ type: "text", text: "Experiment" }] })
      const answer = turn?.(cwd) ?? { status: 500, message: "script exhausted" }
      if ("status" in answer) {
        res.writeHead(answer.status, { "content-type": "application/json" })
        res.end(JSON.stringify({ type: "error", error: { type: "api_error", message: answer.message } }))
        return
      }
      const send = () => {
        if (res.destroyed) return
        res.writeHead(200, { "content-type": "text/event-stream", "request-id": `req_${requests.length}` })
        res.end(streamedMessage(body.model, answer.blocks))
      }
      answer.delayMs ? setTimeout(send, answer.delayMs) : send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

export const text = (value: string): Block => ({ type: "text", text: value })
export const toolUse = (id: string, name: string, input: unknown): Block => ({ type: "tool_use", id, name, input })
