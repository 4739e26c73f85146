// `autoresearch run` with each LLM path against local stand-ins that answer as today's services
// do (the real SDKs over real HTTP; @autoresearch/core/test): Claude's default model and a
// Claude 5.x model (thinking by default), gpt-5.5 through the Responses API, and a local model
// that writes its tool calls as text. Real everything else: init, prepare, the tfjs trainer at a
// 2-second budget, git, the store. Each path makes one real experiment after the baseline.
import { type ScriptedHttpServer, startClaudeStandIn, startOpenAIStandIn } from "@autoresearch/core/test"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { cli } from "./cli-helpers.js"

const cache = join(tmpdir(), "autoresearch-test-cache")
const ANTHROPIC_KEY = "sk-ant-PLANTED-cli-e2e-3e9a1b"
const OPENAI_KEY = "sk-proj-PLANTED-cli-e2e-c04d7f"
const servers: Array<ScriptedHttpServer> = []

/** process.env without any agent setting, plus `extra`: the CLI sees only what the test gives it. */
const envWith = (extra: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, AUTORESEARCH_CACHE: cache }
  for (const name of ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL"]) delete env[name]
  return { ...env, ...extra }
}

const workspace = async (env: NodeJS.ProcessEnv) => {
  const parent = mkdtempSync(join(tmpdir(), "ar-llm-e2e-"))
  expect((await cli(["init", "research"], parent, env)).code).toBe(0)
  const dir = join(parent, "research")
  const prepared = await cli(["prepare", "--json"], dir, env)
  expect(prepared.code, prepared.stderr).toBe(0)
  return dir
}

/** Runs baseline + one experiment and returns the second record, after checking no key leaked. */
const runOne = async (argv: Array<string>, env: NodeJS.ProcessEnv, keys: Array<string>) => {
  const dir = await workspace(env)
  const ran = await cli(["run", "--tag", "llm", "--experiments", "2", "--budget", "2", "--noise-repeats", "0", "--confirmations", "0", "--json", ...argv], dir, env)
  expect(ran.code, ran.stderr).toBe(0)
  expect(JSON.parse(ran.stdout), ran.stdout + ran.stderr).toMatchObject({ tag: "llm", experiments: 2 })
  const results = await cli(["results", "--json", "--tag", "llm"], dir, env)
  const rows = JSON.parse(results.stdout).rows
  const transcripts = join(dir, "runs", "llm", "transcripts")
  const written = readdirSync(transcripts).map((file) => readFileSync(join(transcripts, file), "utf8"))
  for (const text of [ran.stdout, ran.stderr, ...written]) for (const key of keys) expect(text).not.toContain(key)
  return { row: rows[1], stderr: ran.stderr, transcript: JSON.parse(written[0]!) }
}

beforeAll(() => {
  process.env.AUTORESEARCH_CACHE = cache
})
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

describe("autoresearch run with an LLM agent against stand-in services", () => {
  it("Claude, default model: thinking round-trips and the experiment trains", { timeout: 180_000 }, async () => {
    const server = await startClaudeStandIn({ key: ANTHROPIC_KEY })
    servers.push(server)
    const { row, stderr, transcript } = await runOne([], envWith({ ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: server.url }), [ANTHROPIC_KEY])
    expect(stderr).toContain("agent claude")
    expect(row).toMatchObject({ id: 2, description: "MATRIX_LR 0.04 → 0.05" })
    expect(["keep", "discard"]).toContain(row.status)
    expect(row.valBpb).toBeGreaterThan(0)
    expect(server.requests[0]!.body.model).toBe("claude-sonnet-5-5")
    const echoed = server.requests[1]!.body.messages[1].content.map((block: { type: string }) => block.type)
    expect(echoed).toEqual(["thinking", "redacted_thinking", "tool_use"])
    expect(transcript.model).toBe("claude-sonnet-5-5")
    expect(transcript.costUsd).toBeGreaterThan(0)
  })

  it("Claude 5.x with --model, --effort and --thinking", { timeout: 180_000 }, async () => {
    const server = await startClaudeStandIn({ key: ANTHROPIC_KEY })
    servers.push(server)
    const { row } = await runOne(["--model", "claude-opus-5-5", "--effort", "high", "--thinking", "adaptive"], envWith({ ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_BASE_URL: server.url }), [ANTHROPIC_KEY])
    expect(row).toMatchObject({ id: 2, description: "MATRIX_LR 0.04 → 0.05" })
    expect(row.valBpb).toBeGreaterThan(0)
    expect(server.requests[0]!.body).toMatchObject({ model: "claude-opus-5-5", output_config: { effort: "high" }, thinking: { type: "adaptive" } })
  })

  it("gpt-5.5 through --openai-api responses", { timeout: 180_000 }, async () => {
    const server = await startOpenAIStandIn({ key: OPENAI_KEY })
    servers.push(server)
    const { row, stderr } = await runOne(
      ["--agent", "openai", "--model", "gpt-5.5", "--openai-api", "responses"],
      envWith({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${server.url}/v1` }),
      [OPENAI_KEY]
    )
    expect(stderr).toContain("agent openai")
    expect(row).toMatchObject({ id: 2, description: "MATRIX_LR 0.04 → 0.05" })
    expect(row.valBpb).toBeGreaterThan(0)
    expect(server.requests.every((request) => request.path === "/v1/responses")).toBe(true)
    expect(server.requests[1]!.body.input.map((item: { type?: string }) => item.type ?? "message")).toEqual(["message", "reasoning", "function_call", "function_call_output"])
  })

  it("a local model that writes tool calls as text, through OPENAI_BASE_URL", { timeout: 180_000 }, async () => {
    const server = await startOpenAIStandIn({ local: { textToolCalls: "tags" }, noUsage: true })
    servers.push(server)
    const { row, transcript } = await runOne(["--model", "qwen2.5-coder:7b"], envWith({ OPENAI_BASE_URL: `${server.url}/v1` }), [])
    expect(row).toMatchObject({ id: 2, description: "MATRIX_LR 0.04 → 0.05" })
    expect(row.valBpb).toBeGreaterThan(0)
    expect(server.requests.every((request) => request.path === "/v1/chat/completions")).toBe(true)
    expect(transcript.costUsd).toBeNull()
  })

  it("a cost cap with a model of unknown price, and a bad --openai-api: one line each, exit 2", { timeout: 60_000 }, async () => {
    const env = envWith({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1" })
    const dir = await workspace(env)
    const capped = await cli(["run", "--model", "qwen2.5-coder:7b", "--max-cost", "1", "--experiments", "2", "--budget", "2"], dir, env)
    expect(capped.code).toBe(2)
    expect(capped.stderr).toMatch(/^error: no price known for openai model qwen2.5-coder:7b, so maxCostUsd cannot be enforced/)
    expect(capped.stderr.trimEnd().split("\n").length).toBeLessThanOrEqual(3)
    const bad = await cli(["run", "--openai-api", "soap"], dir, env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--openai-api must be one of responses, chat/)
  })
})
