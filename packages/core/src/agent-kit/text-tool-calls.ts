// Local models (qwen2.5-coder on Ollama, many GGUF builds) often write their tool call as JSON
// in the message text instead of the API's tool_calls field. When tools were offered, such a
// text is read as the calls it spells: bare JSON, a ```json fence, or <tool_call> tags.
import type { ToolCall } from "./edit-session.js"

const toolNames = new Set(["replace", "view", "finish"])

/** One call as the common text formats spell it: {name, arguments} or {name, parameters}, or {function: {...}}. */
const asCall = (value: unknown): { name: string; input: unknown } | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const record = value as Record<string, unknown>
  if (typeof record.function === "object" && record.function !== null) return asCall(record.function)
  if (typeof record.name !== "string" || !toolNames.has(record.name)) return undefined
  const input = record.arguments ?? record.parameters ?? record.input ?? {}
  return { name: record.name, input }
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The calls in one JSON text: an object, an array of them, or {tool_calls: [...]}. */
const callsIn = (json: unknown): Array<{ name: string; input: unknown }> => {
  const list = Array.isArray(json)
    ? json
    : typeof json === "object" && json !== null && Array.isArray((json as { tool_calls?: unknown }).tool_calls)
      ? (json as { tool_calls: Array<unknown> }).tool_calls
      : [json]
  return list.flatMap((item) => {
    const call = asCall(item)
    return call === undefined ? [] : [call]
  })
}

/** The JSON candidates of a text: <tool_call> bodies, else fenced blocks, else the whole text. */
const candidates = (text: string): Array<string> => {
  const tagged = [...text.matchAll(/<tool_call>([\s\S]*?)(?:<\/tool_call>|$)/g)].map((match) => match[1]!.trim())
  if (tagged.length > 0) return tagged
  const fenced = [...text.matchAll(/```(?:json)?\s*\n([\s\S]*?)```/g)].map((match) => match[1]!.trim())
  if (fenced.length > 0) return fenced
  return [text.trim()]
}

/** The tool calls written as text in `text`, with ids `text_call_<n>`; empty when there are none. */
export const toolCallsFromText = (text: string, firstId = 1): Array<ToolCall> => {
  const calls = candidates(text).flatMap((candidate) => {
    const json = parse(candidate)
    if (json !== undefined) return callsIn(json)
    // Several objects on their own lines (one call per line).
    return candidate
      .split("\n")
      .map((line) => parse(line.trim()))
      .flatMap((value) => (value === undefined ? [] : callsIn(value)))
  })
  return calls.map((call, index) => ({ id: `text_call_${firstId + index}`, name: call.name, input: call.input }))
}
