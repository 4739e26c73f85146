import { OpenAIAgent } from "@autoresearch/agent-openai"
import { Agent, AgentError } from "@autoresearch/core"
import { makeAgentTestbed, type ScriptedHttpServer, startScriptedServer } from "@autoresearch/core/test"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { apiError, completion } from "./wire-server.js"

const KEY = "sk-proj-PLANTED-openai-key-51c2e8"
const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\nconst WINDOW_PATTERN = \"SSSL\"\n"
const replaceLr = { id: "call_2", name: "replace", arguments: JSON.stringify({ path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.06" }) }
const finish = { id: "call_3", name: "finish", arguments: JSON.stringify({ description: "MATRIX_LR 0.04 → 0.06" }) }
const price = { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5 }
// One turn's usage in wire-server.ts: 3000 prompt tokens of which 1000 cached, 200 completion.
const turnCost = (2000 * 2 + 200 * 8 + 1000 * 0.5) / 1e6

const testbed = makeAgentTestbed({ canvas, transcriptPrefix: "openai-transcripts-" })
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

const propose = (config: Partial<Parameters<typeof OpenAIAgent.layer>[0]> = {}) =>
  testbed.propose(
    OpenAIAgent.layer({
      apiKey: KEY,
      baseURL: `${server.url}/v1`,
      model: "gpt-test-1",
      prices: { "gpt-test-1": price },
      retry: { initialDelayMs: 5, maxDelayMs: 2_000, maxRetries: 2 },
      ...config
    })
  )

describe("OpenAIAgent over Chat Completions", () => {
  it.live("makes a proposal in two tool turns, with the key in the header only, and its cost", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        { body: completion([{ id: "call_1", name: "view", arguments: JSON.stringify({ path: "train.ts", range: [1, 2] }) }], "Let me look.") },
        { body: completion([replaceLr, finish]) }
      )
      const proposal = yield* propose({ temperature: 0.2, maxTokens: 321 })
      expect(proposal.description).toBe("MATRIX_LR 0.04 → 0.06")
      expect(proposal.edits).toEqual([{ path: "train.ts", old: "const MATRIX_LR = 0.04", new: "const MATRIX_LR = 0.06" }])
      expect(proposal.costUsd).toBeCloseTo(2 * turnCost, 12)
      expect(server.requests).toHaveLength(2)
      expect(server.requests[0]!.path).toBe("/v1/chat/completions")
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`)
      const [first, second] = server.requests.map((request) => request.body)
      expect(first.model).toBe("gpt-test-1")
      expect(first.temperature).toBe(0.2)
      // A baseURL means a local-style server: the widely supported max_tokens field.
      expect(first.max_tokens).toBe(321)
      expect(first.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(["replace", "view", "note", "finish"])
      expect(first.messages[0].role).toBe("system")
      expect(first.messages[1].content).toContain("1| const DEPTH = 4")
      expect(second.messages[2]).toMatchObject({
        role: "assistant",
        content: "Let me look.",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "view" } }]
      })
      expect(second.messages[3]).toEqual({ role: "tool", tool_call_id: "call_1", content: "1| const DEPTH = 4\n2| const MATRIX_LR = 0.04" })
      expect(JSON.parse(readFileSync(proposal.transcript!, "utf8")).turns).toHaveLength(2)
    })
  )

  it.live("waits out a 429's retry-after, then succeeds", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(apiError(429, "rate_limit_exceeded", "slow down", { "retry-after": "0.3" }), { body: completion([replaceLr, finish]) })
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
        apiError(500, "server_error", "boom"),
        { body: completion([replaceLr, finish]), delayMs: 800 },
        { body: "{\"choices\": tru" },
        { body: { choices: [] } },
        { body: completion([replaceLr, finish]) }
      )
      const proposal = yield* propose({ timeoutMs: 300, retry: { initialDelayMs: 5, maxDelayMs: 1_000, maxRetries: 4 } })
      expect(proposal.description).toBe("MATRIX_LR 0.04 → 0.06")
      expect(server.requests).toHaveLength(5)
    })
  )

  it.live("gives up with an AgentError after its retries, and on a 401 at once", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(apiError(502, "server_error", "bad gateway"), apiError(502, "server_error", "bad gateway"), apiError(502, "server_error", "bad gateway"))
      const exhausted = yield* Effect.flip(propose())
      expect(exhausted).toBeInstanceOf(AgentError)
      expect(exhausted.message).toMatch(/HTTP 502/)
      expect(server.requests).toHaveLength(3)
      server.script.push(apiError(401, "invalid_request_error", "Incorrect API key provided"))
      const denied = yield* Effect.flip(propose())
      expect(denied.message).toMatch(/HTTP 401/)
      expect(denied._tag === "AgentError" && denied.retryable).toBe(false)
      expect(server.requests).toHaveLength(4)
    })
  )

  it.live("answers malformed arguments and a non-canvas edit with tool errors, and recovers", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        {
          body: completion([
            { id: "call_a", name: "replace", arguments: "{\"path\": \"train.ts\", \"old\": \"const DEP" },
            { id: "call_b", name: "replace", arguments: JSON.stringify({ path: "../prepare.ts", old: "x", new: "y" }) }
          ])
        },
        // A local model that omits tool-call ids still works.
        { body: completion([{ name: replaceLr.name, arguments: replaceLr.arguments }, { name: finish.name, arguments: finish.arguments }]) }
      )
      const proposal = yield* propose()
      expect(proposal.edits.map((edit) => edit.path)).toEqual(["train.ts"])
      const toolMessages = server.requests[1]!.body.messages.filter((m: { role: string }) => m.role === "tool")
      expect(toolMessages[0]).toMatchObject({ tool_call_id: "call_a" })
      expect(toolMessages[0].content).toMatch(/^error: the arguments of replace are not valid JSON/)
      expect(toolMessages[1]).toMatchObject({ tool_call_id: "call_b" })
      expect(toolMessages[1].content).toMatch(/\.\.\/prepare.ts is not editable/)
      expect(proposal.costUsd).toBeCloseTo(2 * turnCost, 12)
    })
  )

  it.effect("refuses to start without a key or a base URL, with a clear ConfigError", () =>
    Effect.gen(function* () {
      const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL }
      delete process.env.OPENAI_API_KEY
      delete process.env.OPENAI_BASE_URL
      const error = yield* Effect.flip(Effect.provide(Agent, OpenAIAgent.layer({})))
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key
      if (saved.url !== undefined) process.env.OPENAI_BASE_URL = saved.url
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toBe("no OpenAI API key")
      const bad = yield* Effect.flip(Effect.provide(Agent, OpenAIAgent.layer({ baseURL: server.url, temperature: 7 })))
      expect(bad.message).toMatch(/invalid OpenAIAgent configuration/)
    })
  )
})
