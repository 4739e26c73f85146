// OpenAI's Responses API as the driver's wire format: function tools, function_call items
// answered by function_call_output, and reasoning items carried across turns. Nothing is stored
// at OpenAI (store: false), so reasoning comes back encrypted and goes back as received.
import { decodeOrGarbage, sdkCall, systemPrompt, toolDefinitions, type WireFormat, type WireReply } from "@autoresearch/core"
import { Effect, Schema } from "effect"
import type OpenAI from "openai"

type InputItem = OpenAI.Responses.ResponseInputItem

// Only the parts of a response we read, decoded; the output items go back untouched.
const OutputItem = Schema.Union(
  Schema.Struct({ type: Schema.Literal("function_call"), call_id: Schema.String, name: Schema.String, arguments: Schema.optional(Schema.Unknown) }),
  Schema.Struct({
    type: Schema.Literal("message"),
    content: Schema.Array(
      Schema.Union(
        Schema.Struct({ type: Schema.Literal("output_text"), text: Schema.String }),
        Schema.Struct({ type: Schema.Literal("refusal"), refusal: Schema.String }),
        Schema.Struct({ type: Schema.String })
      )
    )
  }),
  Schema.Struct({ type: Schema.String })
)
const ResponseBody = Schema.Struct({
  status: Schema.optional(Schema.NullOr(Schema.String)),
  incomplete_details: Schema.optional(Schema.NullOr(Schema.Struct({ reason: Schema.optional(Schema.NullOr(Schema.String)) }))),
  output: Schema.Array(OutputItem),
  usage: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        input_tokens: Schema.Number,
        output_tokens: Schema.Number,
        input_tokens_details: Schema.optional(
          Schema.NullOr(Schema.Struct({ cached_tokens: Schema.optional(Schema.NullOr(Schema.Number)), cache_write_tokens: Schema.optional(Schema.NullOr(Schema.Number)) }))
        )
      })
    )
  )
})
const decodeResponse = decodeOrGarbage(ResponseBody)

const tools: Array<OpenAI.Responses.FunctionTool> = toolDefinitions.map((tool) => ({
  type: "function",
  name: tool.name,
  description: tool.description,
  parameters: tool.parameters as unknown as Record<string, unknown>,
  strict: false
}))

export interface ResponsesWireOptions {
  readonly client: OpenAI
  readonly model: string
  readonly reasoningEffort?: OpenAI.ReasoningEffort
}

export const responsesWire = (options: ResponsesWireOptions): WireFormat<InputItem> => ({
  open: (context) => [{ role: "user", content: `${context.stable}\n\n${context.dynamic}` }],
  answer: (reply) => [
    ...reply.toolResults.map((result): InputItem => ({ type: "function_call_output", call_id: result.callId, output: result.output })),
    ...(reply.note !== undefined ? [{ role: "user" as const, content: reply.note }] : [])
  ],
  send: (items, request) =>
    sdkCall(
      (signal) =>
        options.client.responses.create(
          {
            model: options.model,
            instructions: systemPrompt,
            input: [...items],
            tools,
            max_output_tokens: request.maxTokens,
            store: false,
            include: ["reasoning.encrypted_content"],
            ...(options.reasoningEffort !== undefined ? { reasoning: { effort: options.reasoningEffort } } : {})
          },
          { signal }
        ),
      request.signal
    ).pipe(
      Effect.flatMap((raw) => Effect.map(decodeResponse(raw), (response) => ({ raw: raw as unknown as { output: Array<InputItem> }, response }))),
      Effect.map(({ raw, response }): WireReply<InputItem> => {
        const parts = response.output.flatMap((item) => (item.type === "message" && "content" in item ? item.content : []))
        const text = parts.flatMap((part) => (part.type === "output_text" && "text" in part ? [part.text] : [])).join("\n")
        const refusal = parts.flatMap((part) => (part.type === "refusal" && "refusal" in part ? [part.refusal] : [])).join("\n")
        const toolCalls = response.output.flatMap((item) =>
          item.type === "function_call" && "call_id" in item ? [{ id: item.call_id, name: item.name, input: item.arguments ?? "" }] : []
        )
        const incomplete = response.status === "incomplete" ? response.incomplete_details?.reason ?? "incomplete" : undefined
        const usage = response.usage ?? undefined
        const cached = usage?.input_tokens_details?.cached_tokens ?? 0
        const written = usage?.input_tokens_details?.cache_write_tokens ?? 0
        return {
          text,
          toolCalls,
          usage:
            usage === undefined
              ? undefined
              : { inputTokens: usage.input_tokens - cached - written, outputTokens: usage.output_tokens, cacheWriteTokens: written, cacheReadTokens: cached },
          ...(usage !== undefined ? { promptTokens: usage.input_tokens } : {}),
          stop:
            refusal !== "" || incomplete === "content_filter"
              ? "refusal"
              : incomplete === "max_output_tokens"
                ? "max_tokens"
                : toolCalls.length > 0
                  ? "tool_use"
                  : "end",
          stopReason: incomplete !== undefined ? `incomplete: ${incomplete}` : (response.status ?? "completed"),
          ...(refusal !== "" ? { refusal } : incomplete === "content_filter" ? { refusal: "content filter" } : {}),
          // Every output item (reasoning included) goes back exactly as received.
          echo: raw.output
        }
      })
    )
})
