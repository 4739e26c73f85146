// TEST DOUBLE. A local server that behaves as today's Messages API does for a Claude 5.x model
// (as read from @anthropic-ai/sdk 1.14's types and platform.claude.com): it thinks by default
// (thinking and redacted_thinking blocks lead every reply), and it answers 400 when a
// conversation gives back an assistant turn with its thinking dropped or changed, when
// temperature is sent, or when the model is unknown; 401 without the key in the expected header.
// `needsTokens` makes it run out of max_tokens in the middle of a tool_use below that budget;
// `refuse` makes it refuse. Scripted replies (429, 529 ...) go first.
import { isDeepStrictEqual } from "node:util"
import { type RecordedRequest, type ScriptedHttpServer, type ScriptedReply, startScriptedServer } from "./scripted-http-server.js"
import { roughTokens, standInResearcherTurn } from "./stand-in-researcher.js"

/** How the Claude stand-in (TEST DOUBLE) answers: the key it expects and its scripted behaviour. */
export interface ClaudeStandInOptions {
  readonly key: string
  /** The header the key must come in (a gateway may read only x-api-key). Default: either. */
  readonly authHeader?: "bearer" | "x-api-key"
  /** Models it serves. Default the current Claude 5.x and 4.x names. */
  readonly models?: ReadonlyArray<string>
  /** Replies are cut off at max_tokens mid tool_use when a request allows fewer output tokens than this. */
  readonly needsTokens?: number
  /** Refuse every request (stop_reason "refusal"). */
  readonly refuse?: boolean
  /** Omit usage from replies. */
  readonly noUsage?: boolean
}

const defaultModels = ["claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-5-5", "claude-sonnet-5", "claude-opus-5", "claude-opus-4-8", "claude-sonnet-4-6"]

/**
 * An Anthropic API error response as the service sends it today, to script a failure.
 *
 * @example
 * server.script.push(claudeError(529, "overloaded_error", "Overloaded"))
 */
export const claudeError = (status: number, type: string, message: string): ScriptedReply => ({
  status,
  headers: { "request-id": `req_${Math.random().toString(36).slice(2)}` },
  body: { type: "error", error: { type, message } }
})

type Block = Record<string, unknown> & { type: string }
type Message = { role: string; content: string | Array<Block> }

/**
 * TEST DOUBLE: a local HTTP server that answers the Anthropic Messages API as a small researcher would.
 *
 * @example
 * const claude = await startClaudeStandIn({ key: "sk-ant-test" })
 * // ANTHROPIC_BASE_URL=claude.url
 */
export const startClaudeStandIn = async (options: ClaudeStandInOptions): Promise<ScriptedHttpServer & { readonly issued: Map<string, Array<Block>> }> => {
  const models = options.models ?? defaultModels
  // Every assistant content issued, by its first tool_use id: what must come back unchanged.
  const issued = new Map<string, Array<Block>>()
  let counter = 0

  const authorized = (request: RecordedRequest) => {
    const bearer = request.headers.authorization === `Bearer ${options.key}`
    const xApiKey = request.headers["x-api-key"] === options.key
    return options.authHeader === "bearer" ? bearer : options.authHeader === "x-api-key" ? xApiKey : bearer || xApiKey
  }

  const reply = (model: string, content: Array<Block>, stop: string, input: number): ScriptedReply => ({
    body: {
      id: `msg_${++counter}`,
      type: "message",
      role: "assistant",
      model,
      content,
      stop_reason: stop,
      stop_sequence: null,
      ...(stop === "refusal" ? { stop_details: { type: "refusal", category: "cyber", explanation: "This request looks like it could cause harm." } } : {}),
      ...(options.noUsage
        ? {}
        : { usage: { input_tokens: 40, output_tokens: 300, cache_creation_input_tokens: input, cache_read_input_tokens: 0, output_tokens_details: { thinking_tokens: 120 } } })
    }
  })

  const handler = (request: RecordedRequest): ScriptedReply => {
    if (request.path !== "/v1/messages") return claudeError(404, "not_found_error", `Not found: ${request.path}`)
    if (!authorized(request)) return claudeError(401, "authentication_error", "invalid x-api-key")
    const body = request.body as { model: string; max_tokens: number; messages: Array<Message>; thinking?: { type: string } } & Record<string, unknown>
    for (const name of ["temperature", "top_p", "top_k"]) {
      if (name in body) return claudeError(400, "invalid_request_error", `${name}: sampling parameters are not supported for ${body.model}`)
    }
    if (!models.includes(body.model)) return claudeError(404, "not_found_error", `model: ${body.model}`)
    // Thinking goes back unmodified: each assistant turn must equal what was issued.
    for (const [index, message] of body.messages.entries()) {
      if (message.role !== "assistant" || typeof message.content === "string") continue
      const firstToolUse = message.content.find((block) => block.type === "tool_use")
      if (firstToolUse === undefined) continue
      const original = issued.get(String(firstToolUse.id))
      if (original === undefined) return claudeError(400, "invalid_request_error", `messages.${index}.content: unknown tool_use id ${String(firstToolUse.id)}`)
      if (!isDeepStrictEqual(message.content, original)) {
        return claudeError(
          400,
          "invalid_request_error",
          `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${message.content[0]?.type}\`. ` +
            "When `thinking` is enabled, a final `assistant` message must start with a thinking block. Thinking blocks must be passed back unmodified."
        )
      }
    }
    const thinks = body.thinking?.type !== "disabled"
    const first = body.messages[0]!
    const context = typeof first.content === "string" ? first.content : first.content.map((block) => String(block.text ?? "")).join("\n")
    const last = body.messages[body.messages.length - 1]!
    const sawToolResult = typeof last.content !== "string" && last.content.some((block) => block.type === "tool_result")
    const input = roughTokens(body)
    const thinking: Array<Block> = thinks
      ? [
          { type: "thinking", thinking: "The learning rate looks low for this depth.", signature: `sig_${++counter}_${Math.random().toString(36).slice(2)}` },
          { type: "redacted_thinking", data: `enc_${Math.random().toString(36).slice(2)}` }
        ]
      : []
    if (options.refuse) return reply(body.model, [], "refusal", input)
    const calls = standInResearcherTurn(context, sawToolResult).map((call) => ({ type: "tool_use", id: `toolu_${++counter}`, name: call.name, input: call.input }))
    if (options.needsTokens !== undefined && body.max_tokens < options.needsTokens) {
      // Out of room while writing the first tool call: half a call, no usable input.
      return reply(body.model, [...thinking, { type: "tool_use", id: `toolu_${++counter}`, name: calls[0]!.name, input: {} }], "max_tokens", input)
    }
    const content = [...thinking, ...calls]
    issued.set(String(calls[0]!.id), content)
    return reply(body.model, content, "tool_use", input)
  }

  const server = await startScriptedServer({ handler })
  return Object.assign(server, { issued })
}
