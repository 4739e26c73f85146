// Smoke run of the example: the real OpenAI-compatible agent talks over real HTTP to a local
// server and edits the real canvas in a real git workspace. Two parts are test doubles: the
// "local model" is a ScriptedHttpServer answering from a script of chat completions, and the
// trainer is a ScriptedTrainer, so the run takes a second instead of hours.
import { execFileSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type ScriptedHttpServer, ScriptedTrainer, startScriptedServer } from "@autoresearch/core/test"
import { initWorkspace, readRecords } from "autoresearch"
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest"
import { researchWithLocalModel } from "../local-model.js"

/** A chat.completions response whose assistant message makes the given tool calls. */
const completion = (model: string, toolCalls: Array<{ id: string; name: string; arguments: unknown }>) => ({
  id: "chatcmpl-local-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model,
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: null,
        tool_calls: toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } }))
      },
      finish_reason: "tool_calls"
    }
  ],
  usage: { prompt_tokens: 3000, completion_tokens: 120, total_tokens: 3120 }
})

const MODEL = "qwen-test-local"
const OLD = "const MATRIX_LR = 0.04"
const NEW = "const MATRIX_LR = 0.05"
const DESCRIPTION = "MATRIX_LR 0.04 → 0.05"
// Cleared for the test: the run must need no API key, and pick up no server or model from the environment.
const ENV_NAMES = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "LOCAL_MODEL"] as const

let server: ScriptedHttpServer
const savedEnv: Partial<Record<(typeof ENV_NAMES)[number], string>> = {}

beforeAll(async () => {
  server = await startScriptedServer() // TEST DOUBLE: the local model server
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  server.requests.length = 0
  server.script.length = 0
  for (const name of ENV_NAMES) {
    savedEnv[name] = process.env[name]
    delete process.env[name]
  }
})
afterEach(() => {
  for (const name of ENV_NAMES) {
    if (savedEnv[name] === undefined) delete process.env[name]
    else process.env[name] = savedEnv[name]
  }
})

const calls = [
  { id: "call_1", name: "replace", arguments: { path: "train.ts", old: OLD, new: NEW } },
  { id: "call_2", name: "finish", arguments: { description: DESCRIPTION } }
]

/** The same calls as qwen2.5-coder on Ollama writes them: JSON in <tool_call> tags in the content, no tool_calls. */
const textCompletion = (model: string) => {
  const reply = completion(model, [])
  const content = calls.map((call) => `<tool_call>\n${JSON.stringify({ name: call.name, arguments: call.arguments })}\n</tool_call>`).join("\n")
  return { ...reply, choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] }
}

const run = async (proposalBpb: number, asText = false) => {
  const { dir } = initWorkspace(join(mkdtempSync(join(tmpdir(), "example-local-model-")), "ws"))
  // One proposal: replace a hyper-parameter line of the canvas, then finish.
  server.script.push({ body: asText ? textCompletion(MODEL) : completion(MODEL, calls) })
  const trainer = ScriptedTrainer.make([2.5, proposalBpb]) // TEST DOUBLE: scripted val_bpb, baseline then the proposal
  const summary = await researchWithLocalModel(dir, {
    trainer: trainer.layer,
    maxExperiments: 2,
    noiseRepeats: 0,
    maxConfirmations: 0, // one scripted run per experiment
    budgetSeconds: 1,
    baseURL: `${server.url}/v1`,
    model: MODEL
  })
  const records = readRecords(dir, "local")
  const canvasAt = (commit: string) => execFileSync("git", ["show", `${commit}:train.ts`], { cwd: dir, encoding: "utf8" })
  return { dir, summary, records, canvasAt }
}

const expectLocalRequest = () => {
  expect(server.requests).toHaveLength(1)
  const [request] = server.requests
  expect(request!.path).toBe("/v1/chat/completions")
  expect(request!.body.model).toBe(MODEL)
  expect(request!.body.tools.map((tool: { function: { name: string } }) => tool.function.name)).toContain("replace")
  // No OPENAI_API_KEY anywhere: the SDK's placeholder goes out, no real key.
  expect(request!.headers.authorization).not.toMatch(/sk-/)
}

it("keeps a proposal from the local model that lowers val_bpb", async () => {
  const { summary, records, canvasAt } = await run(2.45)
  expect(summary).toMatchObject({ experiments: 2, kept: 1, discarded: 0, baselineBpb: 2.5, bestBpb: 2.45, costUsd: 0 })
  expect(records).toHaveLength(2)
  const [baseline, proposal] = records
  expect(baseline).toMatchObject({ baseline: true, status: "keep" })
  expect(proposal).toMatchObject({ baseline: false, description: DESCRIPTION, status: "keep", metrics: { valBpb: 2.45 } })
  expect(canvasAt(proposal!.commit)).toContain(NEW)
  expect(canvasAt(proposal!.parent)).toContain(OLD)
  expect(summary.bestCommit.slice(0, 7)).toBe(proposal!.commit.slice(0, 7))
  expectLocalRequest()
})

it("discards a proposal from the local model that raises val_bpb", async () => {
  const { summary, records, canvasAt } = await run(2.6)
  expect(summary).toMatchObject({ experiments: 2, kept: 0, discarded: 1, bestBpb: 2.5 })
  const proposal = records[1]!
  expect(proposal).toMatchObject({ description: DESCRIPTION, status: "discard", metrics: { valBpb: 2.6 } })
  expect(canvasAt(proposal.commit)).toContain(NEW)
  // The workspace is back on the baseline's canvas.
  expect(canvasAt("HEAD")).toContain(OLD)
  expect(summary.bestCommit.slice(0, 7)).toBe(records[0]!.commit.slice(0, 7))
  expectLocalRequest()
})

it("runs tool calls the local model wrote as text", async () => {
  const { summary, records } = await run(2.45, true)
  expect(summary).toMatchObject({ experiments: 2, kept: 1 })
  expect(records[1]).toMatchObject({ description: DESCRIPTION, status: "keep" })
  expectLocalRequest()
})
