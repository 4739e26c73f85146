// The real Codex SDK and Codex binary (its own sandbox included), against a local Responses API.
import { CodexAgent } from "@autoresearch/agent-codex"
import { AgentError } from "@autoresearch/core"
import { makeAgentTestbed } from "@autoresearch/core/test"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { homedir, tmpdir } from "node:os"
import { join } from "node:path"
import { execCommand, message, type ResponsesServer, startResponsesServer } from "@autoresearch/agent-codex/test"

const KEY = "sk-PLANTED-codex-key-9d41"
const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\nconst WINDOW_PATTERN = \"SSSL\"\n"
const price = { inputPerMTok: 1.25, outputPerMTok: 10, cacheReadPerMTok: 0.125 }
const testbed = makeAgentTestbed({ canvas, transcriptPrefix: "codex-transcripts-" })
const saved = { ...process.env }
let server: ResponsesServer

const patch = (from: string, to: string) =>
  `apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: train.ts\n@@\n-${from}\n+${to}\n*** End Patch\nEOF`

beforeAll(async () => {
  server = await startResponsesServer()
  // The planted key, and a private CODEX_HOME: no login of the machine's user is read or written.
  process.env.CODEX_API_KEY = KEY
  process.env.CODEX_HOME = mkdtempSync(join(tmpdir(), "codex-home-"))
  delete process.env.OPENAI_BASE_URL
})
afterAll(async () => {
  process.env = saved
  const written = testbed.transcripts()
  expect(written.length).toBeGreaterThan(0)
  for (const text of [...testbed.logs, ...written]) expect(text).not.toContain(KEY)
  await server.close()
})

const propose = () => testbed.propose(CodexAgent.layer({ baseURL: server.url, model: "gpt-test-1", price }))
/** What Codex sent back for its last tool call: the output of the command. */
const lastCallOutput = () => JSON.stringify(server.requests.at(-1)!.body.input.filter((item: { type: string }) => item.type === "function_call_output").at(-1))

describe("CodexAgent (real Codex, local Responses API)", () => {
  it.live("a proposal that edits the canvas with apply_patch", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        { items: [execCommand("cat train.ts")] },
        { items: [execCommand(patch("const MATRIX_LR = 0.04", "const MATRIX_LR = 0.06"))] },
        { items: [message("A higher matrix learning rate.\nMATRIX_LR 0.04 -> 0.06")] }
      )
      const proposal = yield* propose()
      expect(proposal.description).toBe("MATRIX_LR 0.04 -> 0.06")
      expect(proposal.edits).toEqual([{ path: "train.ts", old: canvas, new: canvas.replace("0.04", "0.06") }])
      // Three model calls, each 1500 uncached + 500 cached input and 100 output tokens.
      expect(proposal.costUsd).toBeCloseTo((3 * (1500 * 1.25 + 500 * 0.125 + 100 * 10)) / 1e6, 12)

      const first = server.requests[0]!
      expect(first.path).toBe("/v1/responses")
      expect(first.headers.authorization).toBe(`Bearer ${KEY}`)
      expect(first.body.model).toBe("gpt-test-1")
      expect(first.body.stream).toBe(true)
      const tools = first.body.tools.map((tool: { name?: string; type: string }) => tool.name ?? tool.type)
      expect(tools).toContain("exec_command")
      expect(tools).not.toContain("web_search")
      const sent = JSON.stringify(first.body.input)
      expect(sent).toContain("const MATRIX_LR = 0.04")
      expect(sent).toContain("You can only change train.ts")
      expect(JSON.stringify(server.requests[1]!.body.input)).toContain("const WINDOW_PATTERN")
      expect(lastCallOutput()).toContain("Updated the following files")

      const transcript = JSON.parse(readFileSync(proposal.transcript!, "utf8"))
      expect(transcript.threadId).toBeTruthy()
      expect(transcript.usage).toEqual({ inputTokens: 4500, outputTokens: 300, cacheWriteTokens: 0, cacheReadTokens: 1500 })
      expect(transcript.items.some((item: { type: string }) => item.type === "file_change")).toBe(true)
    })
  )

  it.live("research notes: lines appended to notes.md are kept in the run's notes file with their cap", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        { items: [execCommand("echo 'deeper may help at this budget; try DEPTH 6 next' >> notes.md")] },
        { items: [execCommand(patch("const DEPTH = 4", "const DEPTH = 5"))] },
        { items: [message("DEPTH 4 -> 5")] }
      )
      const proposal = yield* propose()
      expect(proposal.edits.map((edit) => edit.path)).toEqual(["train.ts"])
      expect(readFileSync(testbed.notesFile, "utf8")).toMatch(/^- \[experiment \d+\] deeper may help at this budget; try DEPTH 6 next\n$/)
      expect(JSON.stringify(server.requests[0]!.body.input)).toContain("append one short line per note to notes.md")
      expect(JSON.parse(readFileSync(proposal.transcript!, "utf8")).noted).toHaveLength(1)
      expect(testbed.context().notes).toContain("try DEPTH 6 next")
    })
  )

  it.live("writes outside the scratch folder and the network are refused by the sandbox; other files are discarded", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      const outside = join(homedir(), `codex-escape-${process.pid}.txt`)
      const port = new URL(server.url).port
      server.script.push(
        {
          items: [
            execCommand(
              `echo out > ${outside}; echo out > /tmp/codex-escape-${process.pid}.txt; echo 'export const bpb = 0' > prepare.ts; ` +
                `(exec 3<>/dev/tcp/127.0.0.1/${port} && echo NETWORK-OPEN) || echo NETWORK-BLOCKED`
            )
          ]
        },
        { items: [message("I could not improve it.")] }
      )
      const error = yield* Effect.flip(propose())
      expect(error).toBeInstanceOf(AgentError)
      expect(error.message).toBe("codex:gpt-test-1: made no change to train.ts (discarded: prepare.ts (created))")
      const output = lastCallOutput()
      expect(output).toContain("Read-only file system")
      expect(output).toContain("NETWORK-BLOCKED")
      expect(existsSync(outside)).toBe(false)
      expect(existsSync(`/tmp/codex-escape-${process.pid}.txt`)).toBe(false)
      expect(server.requests).toHaveLength(2)
    })
  )

  it.live("under a cost cap, a Codex without a price is refused in one line", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(testbed.propose(CodexAgent.layer({ baseURL: server.url, costCapped: true })))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toBe("codex reports tokens, not dollars, so maxCostUsd cannot be enforced without its price")
    })
  )

  it.live("without its price, a proposal's cost is unknown (null), not $0", () =>
    Effect.gen(function* () {
      server.script.push(
        { items: [execCommand(patch("const MATRIX_LR = 0.04", "const MATRIX_LR = 0.05"))] },
        { items: [message("MATRIX_LR 0.04 -> 0.05")] }
      )
      const proposal = yield* testbed.propose(CodexAgent.layer({ baseURL: server.url, model: "gpt-test-1" }))
      expect(proposal.edits).toHaveLength(1)
      expect(proposal.costUsd).toBeNull()
    })
  )

  it.live("a session that edits nothing is an agent error", () =>
    Effect.gen(function* () {
      server.script.push({ items: [message("The canvas looks fine as it is.")] })
      const error = yield* Effect.flip(propose())
      expect(error.message).toBe("codex:gpt-test-1: made no change to train.ts")
    })
  )

  it.live("a session past its time limit is stopped", () =>
    Effect.gen(function* () {
      server.script.push({ items: [message("Thinking very slowly.")], delayMs: 60_000 })
      const started = Date.now()
      const error = yield* Effect.flip(testbed.propose(CodexAgent.layer({ baseURL: server.url, model: "gpt-test-1", timeoutMs: 12_000 })))
      expect(error.message).toMatch(/^codex:gpt-test-1: stopped \(timeout or abort\)/)
      expect(Date.now() - started).toBeLessThan(30_000)
    })
  )

  it.live("a server error mid-session is an agent error with the API's message", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push({ items: [execCommand("cat train.ts")] })
      for (let i = 0; i < 10; i++) server.script.push({ status: 500, message: "upstream exploded" })
      const error = yield* Effect.flip(propose())
      expect(error.message).toMatch(/^codex:gpt-test-1: /)
      // Codex retries a 5xx itself, then reports it in its own words.
      expect(error.message).toContain("experiencing high demand")
      expect(server.requests.length).toBeGreaterThan(2)
    }),
    120_000
  )
})
