// `autoresearch run --agent claude-code|codex` as a user runs it: the real Claude Code or Codex
// binary against a local Messages or Responses API server, the real trainer at a tiny budget,
// git, the store. Experiment 2 is a canvas edit that trains; experiment 3 tries to escape the
// canvas and is recorded as refused.
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type MessagesServer, startMessagesServer, text, toolUse } from "@autoresearch/agent-claude-code/test"
import { execCommand, message, type ResponsesServer, startResponsesServer } from "@autoresearch/agent-codex/test"
import { cli } from "./cli-helpers.js"

const cache = join(tmpdir(), "autoresearch-test-cache")
const saved = { ...process.env }
let server: MessagesServer
let responses: ResponsesServer

beforeAll(async () => {
  server = await startMessagesServer()
  responses = await startResponsesServer()
  Object.assign(process.env, {
    AUTORESEARCH_CACHE: cache,
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: "sk-ant-cli-test",
    CLAUDE_CONFIG_DIR: mkdtempSync(join(tmpdir(), "claude-config-")),
    CLAUDE_CODE_MAX_RETRIES: "0",
    OPENAI_BASE_URL: responses.url,
    CODEX_API_KEY: "sk-cli-test",
    CODEX_HOME: mkdtempSync(join(tmpdir(), "codex-home-"))
  })
})
afterAll(async () => {
  process.env = saved
  await server.close()
  await responses.close()
})

/** A fresh prepared workspace. */
const prepared = async () => {
  const parent = mkdtempSync(join(tmpdir(), "ar-coding-agent-"))
  expect((await cli(["init", "research"], parent)).code).toBe(0)
  const dir = join(parent, "research")
  const prepare = await cli(["prepare", "--json"], dir)
  expect(prepare.code, prepare.stderr).toBe(0)
  return dir
}

const readRecords = (dir: string, tag: string) =>
  readFileSync(join(dir, "runs", tag, "experiments.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))

describe("autoresearch run --agent claude-code", () => {
  it("makes real experiments; only the canvas ever changes", { timeout: 280_000 }, async () => {
    const dir = await prepared()

    server.script.push(
      // Experiment 2: read, edit the canvas, describe.
      (cwd) => ({ blocks: [toolUse("toolu_1", "Read", { file_path: join(cwd, "train.ts") })] }),
      (cwd) => ({
        blocks: [toolUse("toolu_2", "Edit", { file_path: join(cwd, "train.ts"), old_string: "const MATRIX_LR = 0.04", new_string: "const MATRIX_LR = 0.05" })]
      }),
      () => ({ blocks: [text("MATRIX_LR 0.04 -> 0.05")] }),
      // Experiment 3: tries the evaluator's neighbour, program.md and a shell; all refused.
      (cwd) => ({
        blocks: [
          toolUse("toolu_3", "Write", { file_path: join(cwd, "prepare.ts"), content: "export const bpb = 0\n" }),
          toolUse("toolu_4", "Bash", { command: "echo 0.1 > val_bpb.txt", description: "fake the metric" })
        ]
      }),
      () => ({ blocks: [text("Nothing else to try.")] })
    )
    const ran = await cli(
      ["run", "--agent", "claude-code", "--model", "claude-test-1", "--tag", "cc", "--experiments", "3", "--budget", "4", "--noise-repeats", "0", "--confirmations", "0", "--json"],
      dir
    )
    expect(ran.code, ran.stderr).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ tag: "cc", experiments: 3 })

    const records = readRecords(dir, "cc")
    expect(records.map((record) => record.id)).toEqual([1, 2, 3])
    const [, edited, refused] = records
    expect(edited.description).toBe("MATRIX_LR 0.04 -> 0.05")
    expect(["keep", "discard"]).toContain(edited.status)
    expect(edited.metrics.valBpb).toBeGreaterThan(0)
    expect(edited.diffStat).toEqual({ files: 1, insertions: 1, deletions: 1 })
    expect(edited.costUsd).toBeGreaterThan(0)
    const transcript = JSON.parse(readFileSync(edited.transcript, "utf8"))
    expect(transcript.agent).toBe("claude-code")
    expect(transcript.sessionId).toBeTruthy()

    expect(refused.status).toBe("agent_error")
    expect(refused.decisionReason).toContain("made no change to train.ts")
    expect(refused.decisionReason).toContain("only train.ts may be changed; Write of")
    expect(JSON.stringify(server.requests.at(-1)!.body)).toContain("No such tool available: Bash")
  })
})

describe("autoresearch run --agent codex", () => {
  it("makes real experiments; only the canvas ever changes", { timeout: 280_000 }, async () => {
    const dir = await prepared()
    responses.script.push(
      // Experiment 2: patch the canvas, describe.
      {
        items: [
          execCommand("apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: train.ts\n@@\n-const MATRIX_LR = 0.04 // Muon, every 2-D matrix in the blocks\n+const MATRIX_LR = 0.05 // Muon, every 2-D matrix in the blocks\n*** End Patch\nEOF")
        ]
      },
      { items: [message("MATRIX_LR 0.04 -> 0.05")] },
      // Experiment 3: writes a file beside the canvas and tries to leave the folder.
      { items: [execCommand("echo 'export const bpb = 0' > prepare.ts; echo x > ../escape.txt")] },
      { items: [message("Nothing else to try.")] }
    )
    const ran = await cli(
      ["run", "--agent", "codex", "--model", "gpt-test-1", "--tag", "cx", "--experiments", "3", "--budget", "4", "--noise-repeats", "0", "--confirmations", "0", "--json"],
      dir
    )
    expect(ran.code, ran.stderr).toBe(0)
    expect(JSON.parse(ran.stdout)).toMatchObject({ tag: "cx", experiments: 3 })

    const [, edited, refused] = readRecords(dir, "cx")
    expect(edited.description).toBe("MATRIX_LR 0.04 -> 0.05")
    expect(["keep", "discard"]).toContain(edited.status)
    expect(edited.metrics.valBpb).toBeGreaterThan(0)
    expect(edited.diffStat).toEqual({ files: 1, insertions: 1, deletions: 1 })
    expect(JSON.parse(readFileSync(edited.transcript, "utf8")).threadId).toBeTruthy()

    expect(refused.status).toBe("agent_error")
    expect(refused.decisionReason).toBe("agent failed: codex:gpt-test-1: made no change to train.ts (discarded: prepare.ts (created))")
    expect(JSON.stringify(responses.requests.at(-1)!.body.input)).toContain("Read-only file system")
    expect(responses.requests.every((request) => request.body.model === "gpt-test-1")).toBe(true)
  })
})
