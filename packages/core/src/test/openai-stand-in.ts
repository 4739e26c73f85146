// TEST DOUBLE. A local server that behaves as today's OpenAI API does for a gpt-5.x model (as
// read from openai 6.49's types and developers.openai.com): the Responses API with function
// tools, function_call items answered by function_call_output, and reasoning items that must
// come back with their function calls (store: false); Chat Completions that refuses function
// tools for these models ("use /v1/responses"). With `local` it is an OpenAI-compatible local
// server instead (Ollama, vLLM): Chat Completions only, a model that writes its tool calls as
// JSON text, and `noUsage` to leave usage out. Scripted replies go first.
import { type RecordedRequest, type ScriptedHttpServer, type ScriptedReply, startScriptedServer } from "./scripted-http-server.js"
import { roughTokens, type StandInCall, standInResearcherTurn } from "./stand-in-researcher.js"

/** How the OpenAI stand-in (TEST DOUBLE) answers: the key it expects (none: a local server) and its scripted behaviour. */
export interface OpenAIStandInOptions {
  /** The bearer key it expects; undefined: any (a local server). */
  readonly key?: string
  /** A local OpenAI-compatible server whose model writes tool calls as text, in this style. */
  readonly local?: { readonly textToolCalls: "bare" | "fence" | "tags" }
  /** Omit usage from replies (several local servers do). */
  readonly noUsage?: boolean
  /** Responses are cut off (incomplete: max_output_tokens) below this max_output_tokens. */
  readonly needsTokens?: number
}

/**
 * An OpenAI API error response as the service sends it today, to script a failure.
 *
 * @example
 * server.script.push(openaiError(429, "Rate limit reached", "rate_limit_exceeded"))
 */
export const openaiError = (status: number, message: string, type = "invalid_request_error", param: string | null = null): ScriptedReply => ({
  status,
  body: { error: { message, type, param, code: null } }
})

type Item = Record<string, unknown> & { type?: string; role?: string }

/** Models whose function tools are served by the Responses API only. */
const responsesOnly = (model: string) => /^gpt-(5\.[4-9]|6)/.test(model)

const textOf = (content: unknown): string =>
  typeof content === "string" ? content : Array.isArray(content) ? content.map((part) => String((part as { text?: unknown }).text ?? "")).join("\n") : ""

const writeAsText = (calls: ReadonlyArray<StandInCall>, style: "bare" | "fence" | "tags") => {
  const json = calls.map((call) => JSON.stringify({ name: call.name, arguments: call.input }))
  if (style === "tags") return json.map((line) => `<tool_call>\n${line}\n</tool_call>`).join("\n")
  if (style === "fence") return `I'll make the change.\n\`\`\`json\n[${json.join(",")}]\n\`\`\``
  return json.length === 1 ? json[0]! : `[${json.join(",")}]`
}

/**
 * TEST DOUBLE: a local HTTP server that answers the OpenAI Responses and Chat Completions APIs as a small researcher would.
 *
 * @example
 * const openai = await startOpenAIStandIn({ key: "sk-test" })
 * // OPENAI_BASE_URL=openai.url
 */
export const startOpenAIStandIn = async (options: OpenAIStandInOptions = {}): Promise<ScriptedHttpServer> => {
  // Reasoning items issued, by the call_id of the function call they preceded.
  const reasoningFor = new Map<string, Item>()
  let counter = 0

  const responses = (body: Record<string, any>): ScriptedReply => {
    if ("temperature" in body) return openaiError(400, `Unsupported parameter: 'temperature' is not supported with this model.`, "invalid_request_error", "temperature")
    const input = body.input as Array<Item>
    const calls = new Set<string>()
    for (const [index, item] of input.entries()) {
      if (item.type === "function_call") {
        const reasoning = reasoningFor.get(String(item.call_id))
        const previous = input[index - 1]
        if (reasoning !== undefined && JSON.stringify(previous) !== JSON.stringify(reasoning)) {
          return openaiError(400, `Item '${String(item.id)}' of type 'function_call' was provided without its required 'reasoning' item: '${String(reasoning.id)}'.`)
        }
        calls.add(String(item.call_id))
      }
      if (item.type === "function_call_output" && !calls.has(String(item.call_id))) {
        return openaiError(400, `No tool call found for function call output with call_id ${String(item.call_id)}.`, "invalid_request_error", "input")
      }
    }
    const context = textOf(input[0]?.content)
    const sawToolResult = input.some((item) => item.type === "function_call_output")
    const reasoning: Item = { id: `rs_${++counter}`, type: "reasoning", summary: [], encrypted_content: `gAAAA${Math.random().toString(36).slice(2)}` }
    const tokens = roughTokens(body)
    const base = { id: `resp_${++counter}`, object: "response", created_at: 1_764_460_800, model: body.model, tools: body.tools, parallel_tool_calls: true, error: null, instructions: body.instructions }
    const inputUsage = options.noUsage
      ? {}
      : { usage: { input_tokens: tokens, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 250, output_tokens_details: { reasoning_tokens: 120 }, total_tokens: tokens + 250 } }
    if (options.needsTokens !== undefined && (body.max_output_tokens ?? Infinity) < options.needsTokens) {
      return { body: { ...base, status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output: [reasoning], ...inputUsage } }
    }
    const output = standInResearcherTurn(context, sawToolResult).map((call) => ({
      id: `fc_${++counter}`,
      type: "function_call",
      status: "completed",
      call_id: `call_${++counter}`,
      name: call.name,
      arguments: JSON.stringify(call.input)
    }))
    reasoningFor.set(output[0]!.call_id, reasoning)
    return { body: { ...base, status: "completed", incomplete_details: null, output: [reasoning, ...output], ...inputUsage } }
  }

  const chat = (body: Record<string, any>): ScriptedReply => {
    if (options.local === undefined && responsesOnly(body.model) && Array.isArray(body.tools) && body.tools.length > 0) {
      return openaiError(400, `Function tools are not supported with ${body.model} in /v1/chat/completions. Please use /v1/responses instead.`, "invalid_request_error", "tools")
    }
    if (options.local !== undefined && body.tool_choice !== undefined) {
      return openaiError(400, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', "BadRequestError")
    }
    const messages = body.messages as Array<Item>
    const context = textOf(messages.find((message) => message.role === "user")?.content)
    const sawToolResult = messages.some((message) => message.role === "tool")
    const calls = standInResearcherTurn(context, sawToolResult)
    const tokens = roughTokens(body)
    const message =
      options.local !== undefined
        ? { role: "assistant", content: writeAsText(calls, options.local.textToolCalls) }
        : {
            role: "assistant",
            content: null,
            tool_calls: calls.map((call) => ({ id: `call_${++counter}`, type: "function", function: { name: call.name, arguments: JSON.stringify(call.input) } }))
          }
    return {
      body: {
        id: `chatcmpl-${++counter}`,
        object: "chat.completion",
        created: 1_764_460_800,
        model: body.model,
        choices: [{ index: 0, message, finish_reason: options.local !== undefined ? "stop" : "tool_calls" }],
        ...(options.noUsage ? {} : { usage: { prompt_tokens: tokens, completion_tokens: 250, total_tokens: tokens + 250 } })
      }
    }
  }

  const handler = (request: RecordedRequest): ScriptedReply => {
    if (options.key !== undefined && request.headers.authorization !== `Bearer ${options.key}`) {
      return openaiError(401, "Incorrect API key provided.", "invalid_request_error")
    }
    if (request.path.endsWith("/chat/completions")) return chat(request.body)
    if (request.path.endsWith("/responses") && options.local === undefined) return responses(request.body)
    return openaiError(404, `Unknown request URL: POST ${request.path}.`)
  }
  return startScriptedServer({ handler })
}
