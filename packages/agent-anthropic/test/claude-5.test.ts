// The Claude agent against a stand-in that behaves as today's Messages API does for Claude 5.x
// (claude-stand-in.ts): thinking by default, 400 for dropped thinking or temperature, refusals,
// replies cut off at max_tokens, 529 storms.
import { AnthropicAgent, anthropicPrices, defaultClaudeModel, deprecatedClaudeModels } from "@autoresearch/agent-anthropic"
import { Agent, AgentError } from "@autoresearch/core"
import { claudeError, makeAgentTestbed, startClaudeStandIn } from "@autoresearch/core/test"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

const KEY = "sk-ant-PLANTED-claude5-key-19d2e4"
const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\nconst WINDOW_PATTERN = \"SSSL\"\n"
const fast = { initialDelayMs: 5, maxDelayMs: 2_000, maxRetries: 4 }
const testbed = makeAgentTestbed({ canvas, transcriptPrefix: "claude5-transcripts-" })
const servers: Array<{ close: () => Promise<void> }> = []

const standIn = async (options: Omit<Parameters<typeof startClaudeStandIn>[0], "key"> = {}) => {
  const server = await startClaudeStandIn({ key: KEY, models: [defaultClaudeModel, "claude-opus-5-5", "claude-sonnet-4-5"], ...options })
  servers.push(server)
  return server
}
const layer = (url: string, config: Parameters<typeof AnthropicAgent.layer>[0] = {}) =>
  AnthropicAgent.layer({ apiKey: KEY, baseURL: url, retry: fast, ...config })

afterAll(async () => {
  for (const text of [...testbed.logs, ...testbed.transcripts()]) expect(text).not.toContain(KEY)
  await Promise.all(servers.map((server) => server.close()))
})

describe("AnthropicAgent with a Claude 5.x model that thinks by default", () => {
  it.live("gives thinking and redacted_thinking back exactly as received, with the default model", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn({ authHeader: "bearer" }))
      const proposal = yield* testbed.propose(layer(server.url))
      expect(proposal.edits).toEqual([{ path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.05" }])
      expect(proposal.description).toBe("MATRIX_LR 0.04 → 0.05")
      const [first, second] = server.requests.map((request) => request.body)
      expect(first.model).toBe("claude-sonnet-5-5")
      expect(first).not.toHaveProperty("temperature")
      expect(first.max_tokens).toBe(16_000)
      const assistant = second.messages[1]
      expect(assistant.role).toBe("assistant")
      expect(assistant.content.map((block: { type: string }) => block.type)).toEqual(["thinking", "redacted_thinking", "tool_use"])
      expect(assistant.content).toEqual([...server.issued.values()][0])
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`)
      // Priced from the built-in table: 2 turns of 40 input, 300 output, the rest cache writes at $2.50.
      expect(proposal.costUsd).toBeGreaterThan(0)
    })
  )

  it.live("the stand-in really refuses a conversation whose thinking was dropped", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      yield* testbed.propose(layer(server.url))
      const second = server.requests[1]!.body
      const dropped = { ...second, messages: second.messages.map((m: any) => (m.role === "assistant" ? { ...m, content: m.content.filter((b: any) => b.type === "tool_use") } : m)) }
      const response = yield* Effect.promise(() =>
        fetch(`${server.url}/v1/messages`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: JSON.stringify(dropped) })
      )
      expect(response.status).toBe(400)
      expect(((yield* Effect.promise(() => response.json())) as any).error.message).toMatch(/must start with a thinking block/)
    })
  )

  it.live("warns once, with its date, for a model on the SDK's deprecated list", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      const before = testbed.logs.length
      const agentLayer = layer(server.url, { model: "claude-sonnet-4-5" })
      yield* Effect.provide(
        Effect.flatMap(Agent, (agent) => Effect.zipRight(agent.propose(testbed.context()), agent.propose(testbed.context()))),
        agentLayer
      ).pipe(Effect.provide(testbed.logger))
      const warnings = testbed.logs.slice(before).filter((line) => line.includes("deprecated"))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("November 30th, 2026")
    })
  )

  it.effect("refuses temperature at configuration, in one line", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(Agent, AnthropicAgent.layer({ apiKey: KEY, temperature: 0.5 } as never)))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toBe(
        "invalid AnthropicAgent configuration: temperature is refused by current Claude models (the API answers 400); remove it"
      )
    })
  )

  it.live("records a refusal with its reason and sends nothing back", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn({ refuse: true }))
      const error = yield* Effect.flip(testbed.propose(layer(server.url)))
      expect(error).toBeInstanceOf(AgentError)
      expect(error.message).toBe("anthropic claude-sonnet-5-5 refused: This request looks like it could cause harm.")
      expect(error._tag === "AgentError" && error.retryable).toBe(false)
      expect(server.requests).toHaveLength(1)
    })
  )

  it.live("never runs a tool call cut off at max_tokens: asks again with more room", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn({ needsTokens: 20_000 }))
      const proposal = yield* testbed.propose(layer(server.url))
      expect(proposal.edits).toHaveLength(1)
      expect(server.requests.map((request) => request.body.max_tokens)).toEqual([16_000, 32_000, 32_000])
      // The cut-off reply never entered the conversation.
      expect(server.requests[1]!.body.messages).toHaveLength(1)

      const capped = yield* Effect.promise(() => standIn({ needsTokens: 20_000 }))
      const error = yield* Effect.flip(testbed.propose(layer(capped.url, { maxTokensCeiling: 16_000 })))
      expect(error.message).toBe("anthropic claude-sonnet-5-5: the reply was cut off at max_tokens 16000 (thinking counts toward it); raise maxTokens")
      expect(capped.requests).toHaveLength(1)
    })
  )

  it.live("rides out a 529 storm, and says which failures are worth retrying", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      const overloaded = claudeError(529, "overloaded_error", "Overloaded")
      server.script.push(overloaded, overloaded, overloaded, overloaded)
      const proposal = yield* testbed.propose(layer(server.url))
      expect(proposal.edits).toHaveLength(1)
      expect(server.requests.slice(0, 4).every((request) => request.path === "/v1/messages")).toBe(true)

      server.script.push(overloaded, overloaded, overloaded)
      const stormy = yield* Effect.flip(testbed.propose(layer(server.url, { retry: { ...fast, maxRetries: 2 } })))
      expect(stormy.message).toMatch(/HTTP 529 \(Overloaded\)/)
      expect(stormy._tag === "AgentError" && stormy.retryable).toBe(true)

      server.script.push(claudeError(400, "invalid_request_error", "messages: bad"))
      const bad = yield* Effect.flip(testbed.propose(layer(server.url)))
      expect(bad._tag === "AgentError" && bad.retryable).toBe(false)
    })
  )

  it.live("an empty reply (thinking only) is not sent back: only the reminder to use the tools", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      server.script.push({
        body: {
          id: "msg_empty", type: "message", role: "assistant", model: defaultClaudeModel, stop_reason: "end_turn", stop_sequence: null,
          content: [{ type: "thinking", thinking: "Hmm.", signature: "sig_empty" }],
          usage: { input_tokens: 10, output_tokens: 5 }
        }
      })
      const proposal = yield* testbed.propose(layer(server.url))
      expect(proposal.edits).toHaveLength(1)
      const second = server.requests[1]!.body.messages
      expect(second.map((message: { role: string }) => message.role)).toEqual(["user", "user"])
      expect(second[1].content[0].text).toMatch(/Use the tools/)
    })
  )

  it.live("a server that cannot be reached is a retryable AgentError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(testbed.propose(layer("http://127.0.0.1:9", { retry: { ...fast, maxRetries: 0 } })))
      expect(error._tag === "AgentError" && error.retryable).toBe(true)
    })
  )

  it.live("sends the key as x-api-key for a gateway that reads only that", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn({ authHeader: "x-api-key" }))
      yield* testbed.propose(layer(server.url, { authHeader: "x-api-key" }))
      expect(server.requests[0]!.headers["x-api-key"]).toBe(KEY)
      expect(server.requests[0]!.headers.authorization).toBeUndefined()
    })
  )

  it.live("reads its key and endpoint from the configuration it is given, not process.env", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      const config = ConfigProvider.fromMap(new Map([["ANTHROPIC_API_KEY", KEY], ["ANTHROPIC_BASE_URL", server.url]]))
      const proposal = yield* testbed.propose(
        Layer.provide(AnthropicAgent.layer({ retry: fast }), Layer.setConfigProvider(config))
      )
      expect(proposal.edits).toHaveLength(1)
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`)
    })
  )

  it.live("a 1-hour cache is asked for, and billed at its price", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn())
      const price = { inputPerMTok: 2, outputPerMTok: 10, cacheWritePerMTok: 2.5, cacheWrite1hPerMTok: 4, cacheReadPerMTok: 0.1 }
      const proposal = yield* testbed.propose(layer(server.url, { cacheTtl: "1h", prices: { [defaultClaudeModel]: price } }))
      const first = server.requests[0]!.body
      expect(first.system[0].cache_control).toEqual({ type: "ephemeral", ttl: "1h" })
      const written = server.requests.reduce((sum, request) => sum + Math.ceil(JSON.stringify(request.body).length / 4), 0)
      expect(proposal.costUsd).toBeCloseTo((2 * 40 * 2 + 2 * 300 * 10 + written * 4) / 1e6, 9)
    })
  )

  it.live("a server that reports no usage: the cost is unknown (null in the transcript), with a warning", () =>
    Effect.gen(function* () {
      const server = yield* Effect.promise(() => standIn({ noUsage: true }))
      const proposal = yield* testbed.propose(layer(server.url))
      expect(proposal.costUsd).toBeNull() // unknown, never a made-up $0
      expect(JSON.parse(readFileSync(proposal.transcript!, "utf8")).costUsd).toBeNull()
      expect(testbed.logs.some((line) => line.includes("reports no token usage"))).toBe(true)
    })
  )

  it.effect("an unknown price with a cost cap is a one-line ConfigError", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(Effect.provide(Agent, AnthropicAgent.layer({ apiKey: KEY, model: "claude-fable-5-2", costCapped: true })))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toBe("no price known for anthropic model claude-fable-5-2, so maxCostUsd cannot be enforced")
      yield* Effect.provide(Agent, AnthropicAgent.layer({ apiKey: KEY, model: "claude-fable-5-2", costCapped: true, prices: { "claude-fable-5-2": { inputPerMTok: 10, outputPerMTok: 50 } } }))
    })
  )

  it("its deprecated list and default model match the installed SDK", () => {
    const sdk = dirname(createRequire(import.meta.url).resolve("@anthropic-ai/sdk"))
    const source = readFileSync(join(sdk, "internal", "data", "deprecated-models.js"), "utf8")
    const listed = Object.fromEntries([...source.matchAll(/'([^']+)':\s*'([^']+)'/g)].map((match) => [match[1], match[2]]))
    expect(deprecatedClaudeModels).toEqual(listed)
    const types = readFileSync(join(sdk, "resources", "messages", "messages.d.ts"), "utf8")
    expect(types).toContain(`'${defaultClaudeModel}'`)
    expect(listed[defaultClaudeModel]).toBeUndefined()
  })

  it("prices Claude 5.x and Opus 4.6–4.8 at today's list prices", () => {
    for (const model of ["claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8"]) expect(anthropicPrices[model]).toMatchObject({ inputPerMTok: 5, outputPerMTok: 25 })
    expect(anthropicPrices["claude-sonnet-5-5"]).toMatchObject({ inputPerMTok: 2, outputPerMTok: 10, cacheReadPerMTok: 0.1 })
    expect(anthropicPrices["claude-opus-5-5"]).toMatchObject({ inputPerMTok: 4, outputPerMTok: 20 })
  })
})
