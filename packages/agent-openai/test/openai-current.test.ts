// The OpenAI agent against stand-ins that behave as today's services do (openai-stand-in.ts):
// a gpt-5.x model whose function tools work only on the Responses API, and a local
// OpenAI-compatible server whose model writes its tool calls as text and reports no usage.
import { defaultOpenAIModel, OpenAIAgent, openaiPrices } from "@autoresearch/agent-openai"
import { Agent, systemPrompt } from "@autoresearch/core"
import { makeAgentTestbed, startOpenAIStandIn } from "@autoresearch/core/test"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

const KEY = "sk-proj-PLANTED-responses-key-8b1f07"
const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\nconst WINDOW_PATTERN = \"SSSL\"\n"
const fast = { initialDelayMs: 5, maxDelayMs: 2_000, maxRetries: 2 }
const testbed = makeAgentTestbed({ canvas, transcriptPrefix: "openai-current-transcripts-" })
const servers: Array<{ close: () => Promise<void> }> = []
const edit = [{ path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.05" }]

const standIn = async (options: Parameters<typeof startOpenAIStandIn>[0] = { key: KEY }) => {
  const server = await startOpenAIStandIn(options)
  servers.push(server)
  return server
}

afterAll(async () => {
  for (const text of [...testbed.logs, ...testbed.transcripts()]) expect(text).not.toContain(KEY)
  await Promise.all(servers.map((server) => server.close()))
})

describe("OpenAIAgent on the Responses API (gpt-5.x)", () => {
  it.live("calls functions, answers with function_call_output and carries reasoning items across turns", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      const proposal = yield* testbed.propose(
        OpenAIAgent.layer({ apiKey: KEY, baseURL: `${server.url}/v1`, api: "responses", model: "gpt-5.5", reasoningEffort: "high", retry: fast })
      )
      expect(proposal.edits).toEqual(edit)
      expect(server.requests.map((request) => request.path)).toEqual(["/v1/responses", "/v1/responses"])
      const [first, second] = server.requests.map((request) => request.body)
      expect(first).toMatchObject({ model: "gpt-5.5", instructions: systemPrompt, store: false, include: ["reasoning.encrypted_content"], reasoning: { effort: "high" }, max_output_tokens: 16_000 })
      expect(first).not.toHaveProperty("temperature")
      expect(first.tools.map((tool: { type: string; name: string }) => `${tool.type}:${tool.name}`)).toEqual(["function:replace", "function:view", "function:note", "function:finish"])
      expect(second.input.map((item: { type?: string; role?: string }) => item.type ?? item.role)).toEqual(["user", "reasoning", "function_call", "function_call_output"])
      expect(second.input[3].call_id).toBe(second.input[2].call_id)
      expect(second.input[3].output).toContain("2| const MATRIX_LR = 0.04")
      expect(second.input[1].encrypted_content).toMatch(/^gAAAA/)
      // gpt-5.5 is in the built-in prices: $5 input, $30 output per MTok.
      const input = server.requests.reduce((sum, request) => sum + Math.ceil(JSON.stringify(request.body).length / 4), 0)
      expect(proposal.costUsd).toBeCloseTo((input * 5 + 2 * 250 * 30) / 1e6, 9)
    })
  )

  it.live("the stand-in refuses a function call given back without its reasoning item", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      yield* testbed.propose(OpenAIAgent.layer({ apiKey: KEY, baseURL: `${server.url}/v1`, api: "responses", model: "gpt-5.5", retry: fast }))
      const second = server.requests[1]!.body
      const stripped = { ...second, input: second.input.filter((item: { type?: string }) => item.type !== "reasoning") }
      const response = yield* Effect.promise(() =>
        fetch(`${server.url}/v1/responses`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: JSON.stringify(stripped) })
      )
      expect(response.status).toBe(400)
      expect(((yield* Effect.promise(() => response.json())) as any).error.message).toMatch(/without its required 'reasoning' item/)
    })
  )

  it.live("Chat Completions refuses gpt-5.x function tools: a clear, non-retryable error", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      const error = yield* Effect.flip(testbed.propose(OpenAIAgent.layer({ apiKey: KEY, baseURL: `${server.url}/v1`, api: "chat", model: "gpt-5.5", retry: fast })))
      expect(error.message).toMatch(/^openai gpt-5\.5: HTTP 400 \(.*Please use \/v1\/responses instead\.\)$/)
      expect(error._tag === "AgentError" && error.retryable).toBe(false)
      expect(server.requests).toHaveLength(1)
    })
  )

  it.live("a reply cut off at max_output_tokens is asked again with more room", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn({ key: KEY, needsTokens: 20_000 }))
      const proposal = yield* testbed.propose(OpenAIAgent.layer({ apiKey: KEY, baseURL: `${server.url}/v1`, api: "responses", model: "gpt-5.5", retry: fast }))
      expect(proposal.edits).toEqual(edit)
      expect(server.requests.map((request) => request.body.max_output_tokens)).toEqual([16_000, 32_000, 32_000])
      expect(server.requests[1]!.body.input).toHaveLength(1)
    })
  )

  it.effect("temperature is refused for the Responses API; an unknown price with a cost cap is a ConfigError", () =>
    Effect.gen(function* () {
      const hot = yield* Effect.flip(Effect.provide(Agent, OpenAIAgent.layer({ apiKey: KEY, api: "responses", temperature: 0.3 })))
      expect(hot.message).toMatch(/temperature is refused by reasoning models/)
      const unpriced = yield* Effect.flip(Effect.provide(Agent, OpenAIAgent.layer({ apiKey: KEY, model: "gpt-7-preview", costCapped: true })))
      expect(unpriced.message).toBe("no price known for openai model gpt-7-preview, so maxCostUsd cannot be enforced")
    })
  )

  it.live("reads its key and endpoint from the configuration it is given", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      const config = ConfigProvider.fromMap(new Map([["OPENAI_API_KEY", KEY], ["OPENAI_BASE_URL", `${server.url}/v1`]]))
      const proposal = yield* testbed.propose(
        Layer.provide(OpenAIAgent.layer({ api: "responses", model: "gpt-5.5", retry: fast }), Layer.setConfigProvider(config))
      )
      expect(proposal.edits).toEqual(edit)
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`)
    })
  )
})

describe("OpenAIAgent with a local model that writes tool calls as text", () => {
  for (const style of ["bare", "fence", "tags"] as const) {
    it.live(`runs tool calls written as ${style} JSON, with no usage reported`, () =>
      Effect.gen(function* () {
        const server = yield* Effect.promise(() => standIn({ local: { textToolCalls: style }, noUsage: true }))
        const before = testbed.logs.length
        const proposal = yield* testbed.propose(OpenAIAgent.layer({ baseURL: `${server.url}/v1`, model: "qwen2.5-coder:7b", contextTokens: 800, retry: fast }))
        expect(proposal.edits).toEqual(edit)
        expect(proposal.description).toBe("MATRIX_LR 0.04 → 0.05")
        const [first, second] = server.requests.map((request) => request.body)
        expect(server.requests[0]!.path).toBe("/v1/chat/completions")
        expect(first).not.toHaveProperty("tool_choice")
        expect(first.max_tokens).toBe(16_000)
        // The call written as text goes back as a proper tool call, answered by a tool message.
        expect(second.messages[2]).toMatchObject({ role: "assistant", content: null, tool_calls: [{ type: "function", function: { name: "view" } }] })
        expect(second.messages[3]).toMatchObject({ role: "tool", tool_call_id: second.messages[2].tool_calls[0].id })
        expect(JSON.parse(readFileSync(proposal.transcript!, "utf8")).costUsd).toBeNull()
        expect(testbed.logs.slice(before).filter((line) => line.includes("reports no token usage"))).toHaveLength(1)
      })
    )
  }

  it.live("warns once when the prompt nears the server's context size", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn({ local: { textToolCalls: "tags" } }))
      const before = testbed.logs.length
      yield* testbed.propose(OpenAIAgent.layer({ baseURL: `${server.url}/v1`, model: "qwen2.5-coder:7b", contextTokens: 800, retry: fast }))
      const warnings = testbed.logs.slice(before).filter((line) => line.includes("context tokens"))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("OLLAMA_CONTEXT_LENGTH")
    })
  )
})

describe("OpenAI defaults and prices", () => {
  it("the default model is in the installed SDK's model list, and GPT-5.x/6 are priced", () => {
    const sdk = dirname(createRequire(import.meta.url).resolve("openai"))
    expect(readFileSync(join(sdk, "resources", "shared.d.ts"), "utf8")).toContain(`'${defaultOpenAIModel}'`)
    for (const model of [defaultOpenAIModel, "gpt-5.5", "gpt-5.6-sol", "gpt-6-sol", "gpt-5.4-mini"]) expect(openaiPrices[model]).toBeDefined()
  })
})
