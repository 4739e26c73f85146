import { AnthropicAgent } from "@autoresearch/agent-anthropic"
import { Agent, AgentError } from "@autoresearch/core"
import { makeAgentTestbed, type ScriptedHttpServer, startScriptedServer } from "@autoresearch/core/test"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { apiError, message, toolUse } from "./wire-server.js"

const KEY = "sk-ant-PLANTED-test-key-7f3a9c"
const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\nconst WINDOW_PATTERN = \"SSSL\"\n"
const replaceLr = toolUse("tu_2", "replace", { path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.06" })
const finish = toolUse("tu_3", "finish", { description: "MATRIX_LR 0.04 → 0.06" })
const price = { inputPerMTok: 3, outputPerMTok: 15, cacheWritePerMTok: 3.75, cacheReadPerMTok: 0.3 }
// One turn's usage in wire-server.ts: 1000 input, 100 output, 2000 cache-write tokens.
const turnCost = (1000 * 3 + 100 * 15 + 2000 * 3.75) / 1e6

const testbed = makeAgentTestbed({ canvas, transcriptPrefix: "anthropic-transcripts-" })
const logs = testbed.logs
let server: ScriptedHttpServer

beforeAll(async () => {
  server = await startScriptedServer()
})
afterAll(async () => {
  // The planted key must be in no log line, no transcript and no error of this whole file.
  const written = testbed.transcripts()
  expect(written.length).toBeGreaterThan(0)
  for (const text of [...logs, ...written]) expect(text).not.toContain(KEY)
  await server.close()
})

const propose = (config: Partial<Parameters<typeof AnthropicAgent.layer>[0]> = {}) =>
  testbed.propose(
    AnthropicAgent.layer({
      apiKey: KEY,
      baseURL: server.url,
      model: "claude-test-1",
      prices: { "claude-test-1": price },
      retry: { initialDelayMs: 5, maxDelayMs: 2_000, maxRetries: 2 },
      ...config
    })
  )

describe("AnthropicAgent over the Messages API", () => {
  it.live("makes a proposal in two tool turns, with caching, the key in the header only, and its cost", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        { body: message([{ type: "text", text: "Let me look." }, toolUse("tu_1", "view", { path: "train.ts", range: [1, 2] })]) },
        { body: message([replaceLr, finish]) }
      )
      const proposal = yield* propose({ maxTokens: 777 })
      expect(proposal.description).toBe("MATRIX_LR 0.04 → 0.06")
      expect(proposal.edits).toEqual([{ path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.06" }])
      expect(proposal.costUsd).toBeCloseTo(2 * turnCost, 12)
      expect(server.requests).toHaveLength(2)
      const [first, second] = server.requests.map((request) => request.body)
      expect(server.requests[0]!.path).toBe("/v1/messages")
      const auth = server.requests[0]!.headers
      expect(auth["x-api-key"] === KEY || auth.authorization === `Bearer ${KEY}`).toBe(true)
      expect(first.model).toBe("claude-test-1")
      expect(first.max_tokens).toBe(777)
      expect(first).not.toHaveProperty("temperature")
      expect(first.system[0].cache_control).toEqual({ type: "ephemeral" })
      expect(first.tools.map((tool: { name: string }) => tool.name)).toEqual(["replace", "view", "note", "finish"])
      expect(first.messages[0].content[0].text).toContain("1| const DEPTH = 4")
      expect(first.messages[0].content[0].cache_control).toEqual({ type: "ephemeral" })
      // The second turn carries the assistant's tool_use and our tool_result for it.
      expect(second.messages[1]).toEqual({
        role: "assistant",
        content: [{ type: "text", text: "Let me look." }, { type: "tool_use", id: "tu_1", name: "view", input: { path: "train.ts", range: [1, 2] } }]
      })
      expect(second.messages[2].content[0]).toMatchObject({
        type: "tool_result",
        tool_use_id: "tu_1",
        is_error: false,
        content: "1| const DEPTH = 4\n2| const MATRIX_LR = 0.04"
      })
      const transcript = JSON.parse(readFileSync(proposal.transcript!, "utf8"))
      expect(transcript.turns).toHaveLength(2)
      expect(transcript.costUsd).toBeCloseTo(proposal.costUsd!, 12)
    })
  )

  it.live("waits out a 429's retry-after, then succeeds", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(apiError(429, "rate_limit_error", "slow down", { "retry-after": "0.3" }), { body: message([replaceLr, finish]) })
      const started = Date.now()
      const proposal = yield* propose()
      expect(Date.now() - started).toBeGreaterThanOrEqual(300)
      expect(server.requests).toHaveLength(2)
      expect(proposal.costUsd).toBeCloseTo(turnCost, 12)
      expect(logs.some((line) => line.includes("HTTP 429") && line.includes("retry-after"))).toBe(true)
    })
  )

  it.live("retries a 500, a timeout and a garbage body, then succeeds", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        apiError(500, "api_error", "boom"),
        { body: message([replaceLr, finish]), delayMs: 800 },
        { body: "<html>not json</html>" },
        { body: { content: "not an array" } },
        { body: message([replaceLr, finish]) }
      )
      const proposal = yield* propose({ timeoutMs: 300, retry: { initialDelayMs: 5, maxDelayMs: 1_000, maxRetries: 4 } })
      expect(proposal.description).toBe("MATRIX_LR 0.04 → 0.06")
      expect(server.requests).toHaveLength(5)
    })
  )

  it.live("gives up with an AgentError after its retries, and on a 401 at once", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(apiError(503, "overloaded_error", "busy"), apiError(503, "overloaded_error", "busy"), apiError(503, "overloaded_error", "busy"))
      const exhausted = yield* Effect.flip(propose())
      expect(exhausted).toBeInstanceOf(AgentError)
      expect(exhausted.message).toMatch(/HTTP 503/)
      expect(server.requests).toHaveLength(3)
      server.script.push(apiError(401, "authentication_error", "invalid x-api-key"))
      const denied = yield* Effect.flip(propose())
      expect(denied.message).toMatch(/HTTP 401/)
      expect(denied._tag === "AgentError" && denied.retryable).toBe(false)
      expect(server.requests).toHaveLength(4)
    })
  )

  it.live("answers a malformed tool call and a non-canvas edit with tool errors, and recovers", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        { body: message([toolUse("tu_a", "replace", { path: "train.ts", old: "const DEPTH = 4" }), toolUse("tu_b", "replace", { path: "prepare.ts", old: "x", new: "y" })]) },
        { body: message([replaceLr, finish]) }
      )
      const proposal = yield* propose()
      expect(proposal.edits.map((edit) => edit.path)).toEqual(["train.ts"])
      const results = server.requests[1]!.body.messages[2].content
      expect(results[0]).toMatchObject({ tool_use_id: "tu_a", is_error: true })
      expect(results[0].content).toMatch(/invalid arguments for replace/)
      expect(results[1]).toMatchObject({ tool_use_id: "tu_b", is_error: true })
      expect(results[1].content).toMatch(/prepare.ts is not editable/)
      expect(proposal.costUsd).toBeCloseTo(2 * turnCost, 12)
    })
  )

  it.effect("refuses a missing key with a clear ConfigError", () =>
    Effect.gen(function* () {
      const saved = process.env.ANTHROPIC_API_KEY
      delete process.env.ANTHROPIC_API_KEY
      const error = yield* Effect.flip(Effect.provide(Agent, AnthropicAgent.layer({ baseURL: server.url })))
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toBe("no Anthropic API key")
    })
  )
})
