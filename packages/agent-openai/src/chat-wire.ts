// Chat Completions as the driver's wire format, for OpenAI-compatible servers (Ollama, vLLM,
// llama.cpp, gateways). A local model that writes its tool call as JSON text instead of
// tool_calls still works: the text is read as the call it spells (toolCallsFromText).
import { decodeOrGarbage, sdkCall, type StopKind, systemPrompt, toolCallsFromText, toolDefinitions, type WireFormat, type WireReply } from "@autoresearch/core"
import { Effect, Schema } from "effect"
import type OpenAI from "openai"

type Message = OpenAI.Chat.ChatCompletionMessageParam

// Only the parts of a response we use, decoded: anything else is a garbage response.
const ToolCallWire = Schema.Struct({
  id: Schema.optional(Schema.NullOr(Schema.String)),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.optional(Schema.NullOr(Schema.Unknown)) })
})
const CompletionResponse = Schema.Struct({
  choices: Schema.NonEmptyArray(
    Schema.Struct({
      message: Schema.Struct({
        content: Schema.optional(Schema.NullOr(Schema.String)),
        refusal: Schema.optional(Schema.NullOr(Schema.String)),
        tool_calls: Schema.optional(Schema.NullOr(Schema.Array(ToolCallWire)))
      }),
      finish_reason: Schema.optional(Schema.NullOr(Schema.String))
    })
  ),
  usage: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        prompt_tokens: Schema.Number,
        completion_tokens: Schema.Number,
        prompt_tokens_details: Schema.optional(Schema.NullOr(Schema.Struct({ cached_tokens: Schema.optional(Schema.NullOr(Schema.Number)) })))
      })
    )
  )
})
const decodeResponse = decodeOrGarbage(CompletionResponse)

const tools: Array<OpenAI.Chat.ChatCompletionFunctionTool> = toolDefinitions.map((tool) => ({
  type: "function",
  function: { name: tool.name, description: tool.description, parameters: tool.parameters as unknown as Record<string, unknown> }
}))

/** Arguments arrive as a JSON string; a few local servers send an object. Both go to the executor as a string. */
const argumentsText = (args: unknown) => (typeof args === "string" ? args : JSON.stringify(args ?? {}))

const stopKinds: Record<string, StopKind> = { tool_calls: "tool_use", length: "max_tokens", content_filter: "refusal" }

export interface ChatWireOptions {
  readonly client: OpenAI
  readonly model: string
  readonly maxTokensField: "max_completion_tokens" | "max_tokens"
  readonly reasoningEffort?: OpenAI.ReasoningEffort
  readonly temperature?: number
  readonly textToolCalls: boolean
}

export const chatWire = (options: ChatWireOptions): WireFormat<Message> => {
  let callCount = 0
  return {
    open: (context) => [
      { role: "system", content: systemPrompt },
      { role: "user", content: `${context.stable}\n\n${context.dynamic}` }
    ],
    answer: (reply) => [
      ...reply.toolResults.map((result): Message => ({ role: "tool", tool_call_id: result.callId, content: result.output })),
      ...(reply.note !== undefined ? [{ role: "user" as const, content: reply.note }] : [])
    ],
    send: (messages, request) =>
      sdkCall(
        (signal) =>
          options.client.chat.completions.create(
            {
              model: options.model,
              messages: [...messages],
              // No tool_choice: "auto" is the default, and vLLM refuses an explicit one unless started with --enable-auto-tool-choice.
              tools,
              [options.maxTokensField]: request.maxTokens,
              ...(options.reasoningEffort !== undefined ? { reasoning_effort: options.reasoningEffort } : {}),
              ...(options.temperature !== undefined ? { temperature: options.temperature } : {})
            },
            { signal }
          ),
        request.signal
      ).pipe(
        Effect.flatMap(decodeResponse),
        Effect.map((response): WireReply<Message> => {
          const choice = response.choices[0]
          const content = choice.message.content ?? ""
          let toolCalls = (choice.message.tool_calls ?? []).map((wire) => ({
            id: wire.id ?? `call_${++callCount}`,
            name: wire.function.name,
            input: argumentsText(wire.function.arguments)
          }))
          let text = content
          if (toolCalls.length === 0 && options.textToolCalls) {
            const written = toolCallsFromText(content, callCount + 1)
            if (written.length > 0) {
              callCount += written.length
              toolCalls = written.map((call) => ({ ...call, input: argumentsText(call.input) }))
              text = ""
            }
          }
          const refusal = choice.message.refusal ?? undefined
          const cached = response.usage?.prompt_tokens_details?.cached_tokens ?? 0
          const finish = choice.finish_reason ?? undefined
          return {
            text,
            toolCalls,
            usage:
              response.usage == null
                ? undefined
                : { inputTokens: response.usage.prompt_tokens - cached, outputTokens: response.usage.completion_tokens, cacheWriteTokens: 0, cacheReadTokens: cached },
            ...(response.usage != null ? { promptTokens: response.usage.prompt_tokens } : {}),
            stop: refusal ? "refusal" : (stopKinds[finish ?? ""] ?? (toolCalls.length > 0 ? "tool_use" : "end")),
            ...(finish !== undefined ? { stopReason: finish } : {}),
            ...(refusal ? { refusal } : {}),
            // A call written as text goes back as a proper tool call, so the results that answer it match.
            echo: [
              {
                role: "assistant",
                content: text === "" ? null : text,
                ...(toolCalls.length > 0
                  ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.input } })) }
                  : {})
              }
            ]
          }
        })
      )
  }
}
