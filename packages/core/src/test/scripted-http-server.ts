// TEST DOUBLE. A local HTTP server that answers from a script of replies, so a provider's real
// SDK is exercised over real HTTP. It records every request it receives. The replies' shapes
// (a Messages API response, a chat completion, an API error) are the caller's. With a
// `handler` it is a stand-in that behaves: the handler answers whenever the script is empty.
import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

/** One scripted HTTP answer: status, headers, body (JSON or raw text) and an optional delay. */
export interface ScriptedReply {
  readonly status?: number
  readonly headers?: Record<string, string>
  /** An object is sent as JSON; a string is sent raw (for garbage). */
  readonly body: unknown
  readonly delayMs?: number
}

/** A request the scripted server received: method, path, headers and parsed body. */
export interface RecordedRequest {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: any
}

/** TEST DOUBLE: a local HTTP server's URL, its script of replies, the requests it got, and `close`. */
export interface ScriptedHttpServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  /** The replies still to send, in order; push to it, and it is shifted one per request. */
  readonly script: Array<ScriptedReply>
  /** Every request received, in order (clear it with `requests.length = 0`). */
  readonly requests: Array<RecordedRequest>
  readonly close: () => Promise<void>
}

/** What a request gets once the script is used up. */
const scriptExhausted: ScriptedReply = { status: 500, body: { type: "error", error: { type: "api_error", message: "script exhausted" } } }

/** How the scripted server answers a request its script has no reply for. */
export interface ScriptedServerOptions {
  /** What a request gets once the script is used up (default a 500). */
  readonly exhausted?: ScriptedReply
  /** Answers a request when the script is empty (a stand-in's behaviour). */
  readonly handler?: (request: RecordedRequest) => ScriptedReply
}

/** Starts a ScriptedHttpServer on a free port of 127.0.0.1. */
export const startScriptedServer = async (options: ScriptedServerOptions = {}): Promise<ScriptedHttpServer> => {
  const script: Array<ScriptedReply> = []
  const requests: Array<RecordedRequest> = []
  const server = createServer((req, res) => {
    let raw = ""
    req.on("data", (chunk) => (raw += chunk))
    req.on("end", () => {
      const request = { path: req.url ?? "", headers: req.headers, body: raw ? JSON.parse(raw) : undefined }
      requests.push(request)
      const reply = script.shift() ?? options.handler?.(request) ?? options.exhausted ?? scriptExhausted
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
