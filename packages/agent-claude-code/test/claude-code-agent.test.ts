// The real Claude Agent SDK and Claude Code binary, against a local Messages API server.
import { ClaudeCodeAgent } from "@autoresearch/agent-claude-code"
import { AgentError } from "@autoresearch/core"
import { makeAgentTestbed } from "@autoresearch/core/test"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type MessagesServer, startMessagesServer, text, toolUse } from "@autoresearch/agent-claude-code/test"

const KEY = "sk-ant-PLANTED-claude-code-key-51c2"
const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\nconst WINDOW_PATTERN = \"SSSL\"\n"
const testbed = makeAgentTestbed({ canvas, transcriptPrefix: "claude-code-transcripts-" })
const saved = { ...process.env }
let server: MessagesServer

beforeAll(async () => {
  server = await startMessagesServer()
  // The agent hands Claude Code our environment: the planted key, a private config folder (no
  // login of the machine's user is read or written), and one retry on a server error.
  process.env.ANTHROPIC_API_KEY = KEY
  process.env.CLAUDE_CONFIG_DIR = mkdtempSync(join(tmpdir(), "claude-config-"))
  process.env.CLAUDE_CODE_MAX_RETRIES = "1"
})
afterAll(async () => {
  process.env = saved
  const written = testbed.transcripts()
  expect(written.length).toBeGreaterThan(0)
  for (const textWritten of [...testbed.logs, ...written]) expect(textWritten).not.toContain(KEY)
  await server.close()
})

const propose = () => testbed.propose(ClaudeCodeAgent.layer({ baseURL: server.url, model: "claude-test-1", maxTurns: 6 }))
const mainRequests = () => server.requests.filter((request) => request.main)
/** The tool results of the last request: its last user message (Claude Code appends system notes after it). */
const lastToolResults = () =>
  JSON.stringify(mainRequests().at(-1)!.body.messages.filter((message: { role: string }) => message.role === "user").at(-1))

describe("ClaudeCodeAgent (real Claude Code, local Messages API)", () => {
  it.live("a proposal that edits the canvas: the canvas's diff and the last line of the answer", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        (cwd) => ({ blocks: [text("Let me read it."), toolUse("toolu_1", "Read", { file_path: join(cwd, "train.ts") })] }),
        (cwd) => ({
          blocks: [toolUse("toolu_2", "Edit", { file_path: join(cwd, "train.ts"), old_string: "const MATRIX_LR = 0.04", new_string: "const MATRIX_LR = 0.06" })]
        }),
        () => ({ blocks: [text("A higher matrix learning rate should converge faster.\n\nMATRIX_LR 0.04 -> 0.06")] })
      )
      const proposal = yield* propose()
      expect(proposal.description).toBe("MATRIX_LR 0.04 -> 0.06")
      expect(proposal.edits).toEqual([{ path: "train.ts", old: canvas, new: canvas.replace("0.04", "0.06") }])
      expect(proposal.costUsd).toBeGreaterThan(0)

      // What Claude Code sent: our tools only, our key, the canvas and the rules in the prompt.
      const first = mainRequests()[0]!
      expect(first.path).toMatch(/^\/v1\/messages/)
      expect(first.headers["x-api-key"]).toBe(KEY)
      expect(first.body.model).toBe("claude-test-1")
      expect(first.body.stream).toBe(true)
      expect(first.body.tools.map((tool: { name: string }) => tool.name).filter((name: string) => !name.startsWith("Deferred")).sort()).toEqual([
        "Edit",
        "Glob",
        "Grep",
        "Read",
        "Write"
      ])
      const sent = JSON.stringify(first.body)
      expect(sent).toContain("const MATRIX_LR = 0.04")
      expect(sent).toContain("Find a better learning rate.")
      expect(sent).toContain("You can only change train.ts")
      expect(mainRequests()).toHaveLength(3)
      expect(lastToolResults()).toContain("has been updated successfully")

      // The transcript: session id, turns, cost, usage and the conversation.
      const transcript = JSON.parse(readFileSync(proposal.transcript!, "utf8"))
      expect(transcript.sessionId).toMatch(/^[0-9a-f-]{36}$/)
      expect(transcript.numTurns).toBe(3)
      expect(transcript.costUsd).toBe(proposal.costUsd)
      expect(transcript.usage.output_tokens).toBeGreaterThan(0)
      expect(transcript.refused).toEqual([])
      expect(transcript.discarded).toEqual([])
      expect(transcript.messages.some((message: { type: string }) => message.type === "result")).toBe(true)
    })
  )

  it.live("research notes: appended to notes.md in the scratch folder, kept in the run's notes file with their cap", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        (cwd) => ({ blocks: [toolUse("toolu_n1", "Read", { file_path: join(cwd, "train.ts") })] }),
        (cwd) => ({ blocks: [toolUse("toolu_n2", "Edit", { file_path: join(cwd, "train.ts"), old_string: "const DEPTH = 4", new_string: "const DEPTH = 5" })] }),
        (cwd) => ({ blocks: [toolUse("toolu_n3", "Read", { file_path: join(cwd, "notes.md") })] }),
        (cwd) => ({ blocks: [toolUse("toolu_n4", "Write", { file_path: join(cwd, "notes.md"), content: "deeper may help at this budget; try DEPTH 6 next\n" })] }),
        () => ({ blocks: [text("DEPTH 4 -> 5")] })
      )
      const proposal = yield* propose()
      // Only the canvas is the proposal; the note went to the run's notes file.
      expect(proposal.edits.map((edit) => edit.path)).toEqual(["train.ts"])
      expect(readFileSync(testbed.notesFile, "utf8")).toMatch(/^- \[experiment \d+\] deeper may help at this budget; try DEPTH 6 next\n$/)
      expect(JSON.stringify(mainRequests()[0]!.body)).toContain("append one short line per note to notes.md")
      expect(JSON.parse(readFileSync(proposal.transcript!, "utf8")).noted).toHaveLength(1)
      // The next proposal reads it.
      expect(testbed.context().notes).toContain("try DEPTH 6 next")
    })
  )

  it.live("edits of other files and shell commands are refused; the refusals are the recorded reason", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      let scratch = ""
      const secretFile = join(mkdtempSync(join(tmpdir(), "claude-code-outside-")), "secret.txt")
      writeFileSync(secretFile, "TOP-SECRET-CONTENT\n")
      server.script.push(
        (cwd) => {
          scratch = cwd
          return {
            blocks: [
              toolUse("toolu_1", "Write", { file_path: join(cwd, "prepare.ts"), content: "export const hacked = true\n" }),
              toolUse("toolu_2", "Edit", { file_path: join(cwd, "program.md"), old_string: "Find", new_string: "Ignore" }),
              toolUse("toolu_3", "Bash", { command: `touch ${join(cwd, "pwned")}`, description: "escape" }),
              toolUse("toolu_4", "Write", { file_path: join(tmpdir(), "claude-code-escape.txt"), content: "out" }),
              toolUse("toolu_5", "Read", { file_path: secretFile })
            ]
          }
        },
        () => ({ blocks: [text("I could not change those files.")] })
      )
      const error = yield* Effect.flip(propose())
      expect(error).toBeInstanceOf(AgentError)
      expect(error.message).toContain("made no change to train.ts")
      expect(error.message).toContain(`only train.ts may be changed; Write of ${join(scratch, "prepare.ts")} refused`)
      expect(error.message).toContain(`Edit of ${join(scratch, "program.md")} refused`)
      expect(error.message).toContain(`Write of ${join(tmpdir(), "claude-code-escape.txt")} refused`)
      expect((error as AgentError).costUsd).toBeGreaterThan(0)
      // Claude Code has no Bash at all; the model was told so, and nothing ran.
      const results = lastToolResults()
      expect(results).toContain("No such tool available: Bash")
      expect(results.match(/only train.ts may be changed/g)).toHaveLength(3)
      expect(results).toContain(`reading outside the workspace is not allowed; Read of ${secretFile} refused`)
      expect(JSON.stringify(server.requests)).not.toContain("TOP-SECRET-CONTENT")
      expect(existsSync(join(tmpdir(), "claude-code-escape.txt"))).toBe(false)
      expect(existsSync(scratch)).toBe(false)
    })
  )

  it.live("a canvas edit made alongside refused ones is proposed alone", () =>
    Effect.gen(function* () {
      server.script.push(
        (cwd) => ({
          blocks: [
            toolUse("toolu_1", "Edit", { file_path: join(cwd, "train.ts"), old_string: "DEPTH = 4", new_string: "DEPTH = 6" }),
            toolUse("toolu_2", "Write", { file_path: join(cwd, "notes.md"), content: "notes" })
          ]
        }),
        () => ({ blocks: [text("DEPTH 4 -> 6")] })
      )
      const proposal = yield* propose()
      expect(proposal.edits).toEqual([{ path: "train.ts", old: canvas, new: canvas.replace("DEPTH = 4", "DEPTH = 6") }])
      expect(proposal.description).toBe("DEPTH 4 -> 6")
      expect(testbed.logs.some((line) => line.includes("refused: only train.ts may be changed; Write of"))).toBe(true)
    })
  )

  it.live("a session that edits nothing is an agent error; a given environment is the one Claude Code gets", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(() => ({ blocks: [text("The canvas already looks optimal to me.")] }))
      const env = { ...process.env, ANTHROPIC_API_KEY: `${KEY}-env`, ANTHROPIC_BASE_URL: server.url }
      const error = yield* Effect.flip(testbed.propose(ClaudeCodeAgent.layer({ model: "claude-test-1", env })))
      expect(error.message).toBe("claude-code:claude-test-1: made no change to train.ts")
      expect(mainRequests()[0]!.headers["x-api-key"]).toBe(`${KEY}-env`)
    })
  )

  it.live("a session past its time limit is stopped", () =>
    Effect.gen(function* () {
      server.script.push(() => ({ blocks: [text("Thinking very slowly.")], delayMs: 30_000 }))
      const started = Date.now()
      const error = yield* Effect.flip(testbed.propose(ClaudeCodeAgent.layer({ baseURL: server.url, model: "claude-test-1", timeoutMs: 4_000 })))
      expect(error.message).toBe("claude-code:claude-test-1: stopped (timeout or abort)")
      expect(Date.now() - started).toBeLessThan(20_000)
    })
  )

  it.live("a server error mid-session: retried once by Claude Code, then an agent error with the API's message", () =>
    Effect.gen(function* () {
      server.requests.length = 0
      server.script.push(
        (cwd) => ({ blocks: [toolUse("toolu_1", "Read", { file_path: join(cwd, "train.ts") })] }),
        () => ({ status: 500, message: "upstream exploded" }),
        () => ({ status: 500, message: "upstream exploded" })
      )
      const error = yield* Effect.flip(propose())
      expect(error.message).toMatch(/^claude-code:claude-test-1: API Error: 500/)
      expect(error.message).toContain("upstream exploded")
      expect(mainRequests()).toHaveLength(3)
    })
  )
})
