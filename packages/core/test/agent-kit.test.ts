import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Redacted } from "effect"
import { mkdtempSync, readFileSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  AgentError,
  applyEdits,
  costOf,
  type ExperimentRecord,
  makeEditSession,
  type ModelTurn,
  priceFor,
  type ProposalContext,
  renderContext,
  renderHistory,
  retryAfterMs,
  runConversation,
  systemPrompt,
  type TurnReply,
  withRetries
} from "@autoresearch/core"
import { experimentRecord } from "@autoresearch/core/test"

const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\n\nfunction f() {\n  return 1\n}\nfunction g() {\n  return 1\n}\n"
const files = [{ path: "train.ts", content: canvas }]

const record = (id: number, status: ExperimentRecord["status"], valBpb?: number): ExperimentRecord =>
  experimentRecord({ id, status, description: id === 1 ? "" : `change ${id}`, valBpb })

describe("edit session", () => {
  it("applies exact unique replacements and explains every refusal", () => {
    const session = makeEditSession(files)
    const run = (name: string, input: unknown) => session.execute({ id: "c", name, input })
    expect(run("replace", { path: "train.ts", old: "  return 1\n", new: "  return 2\n" }).result.output).toMatch(/occurs 2 times .* lines 5, 8/)
    expect(run("replace", { path: "train.ts", old: "const  DEPTH = 4", new: "x" }).result.output).toMatch(/not found/)
    expect(run("replace", { path: "prepare.ts", old: "a", new: "b" }).result.output).toMatch(/prepare.ts is not editable: only train.ts/)
    expect(run("replace", { path: "../train.ts", old: "a", new: "b" }).result.isError).toBe(true)
    expect(run("replace", '{"path": "train.ts", "old": ').result.output).toMatch(/not valid JSON/)
    expect(run("replace", { path: "train.ts", old: 3 }).result.output).toMatch(/invalid arguments for replace/)
    expect(run("finish", { description: "too early" }).result.output).toMatch(/no edits yet/)
    expect(run("delete", {}).result.output).toMatch(/unknown tool/)
    const ok = run("replace", JSON.stringify({ path: "train.ts", old: "const DEPTH = 4", new: "const DEPTH = 6" }))
    expect(ok.result.isError).toBe(false)
    expect(run("view", { path: "train.ts", range: [1, 2] }).result.output).toBe("1| const DEPTH = 6\n2| const MATRIX_LR = 0.04")
    const done = run("finish", { description: "DEPTH 4 →\t6\n" })
    expect(done._tag).toBe("Finished")
    if (done._tag === "Finished") expect(done.description).toBe("DEPTH 4 → 6")
    expect(session.edits()).toEqual([{ path: "train.ts", old: "const DEPTH = 4", new: "const DEPTH = 6" }])
    const applied = applyEdits(files, session.edits())
    expect(Either.getOrThrow(applied)[0]!.content).toBe(session.files()[0]!.content)
  })
})

describe("context", () => {
  it("renders the canvas with line numbers and a history of every keep plus the recent others", () => {
    const history = [record(1, "keep", 1.0), record(2, "discard", 1.01), record(3, "keep", 0.98), record(4, "crash"), record(5, "discard", 0.99)]
    const table = renderHistory(history, { recentOthers: 1 })
    expect(table).toMatch(/\| 1 \| keep \| 1\.000000 \| - \|/)
    expect(table).toMatch(/\| 3 \| keep \| 0\.980000 \| −0\.020000 \|/)
    expect(table).toMatch(/\| 5 \| discard \| 0\.990000 \| \+0\.010000 \|/)
    expect(table).not.toMatch(/\| 2 \| discard/)
    expect(table).toMatch(/Older experiments, summarised by the change they made \(2 experiments between #2 and #4\)/)
    const ctx: ProposalContext = {
      program: "Try lower learning rates.",
      files,
      history,
      lastFailure: { description: "change 4", message: "NaN loss", logTail: "step 3 loss nan" },
      feedback: { kind: "edit_failed", message: "old not found" },
      remaining: { experiments: 7, costUsd: 1.5 },
      experimentId: 6
    }
    const rendered = renderContext(ctx)
    expect(rendered.stable).toContain("\n2| const MATRIX_LR = 0.04")
    expect(rendered.stable).toContain("Try lower learning rates.")
    expect(rendered.dynamic).toContain("step 3 loss nan")
    expect(rendered.dynamic).toContain("did not apply")
    expect(rendered.dynamic).toContain("7 experiments, $1.50 of agent spend")
    expect(systemPrompt).toMatch(/ONE targeted idea/)
    expect(systemPrompt).toMatch(/Simpler is better/)
  })
})

describe("pricing and retries", () => {
  it("prices dated model names by prefix and sums cache tokens", () => {
    const table = { "claude-x": { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3 } }
    const price = priceFor(table, "claude-x-20250101")!
    expect(costOf({ inputTokens: 1_000_000, outputTokens: 100_000, cacheWriteTokens: 0, cacheReadTokens: 1_000_000 }, price)).toBeCloseTo(4.8, 10)
    expect(priceFor(table, "gpt-4o")).toBeUndefined()
  })

  it("reads retry-after in seconds, milliseconds and as a date", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000)
    expect(retryAfterMs({ "retry-after-ms": "150" })).toBe(150)
    expect(retryAfterMs(new Headers({ "retry-after": new Date(10_000).toUTCString() }), 4_000)).toBe(6_000)
    expect(retryAfterMs(new Headers())).toBeUndefined()
  })

  it.live("retries retryable failures and gives up on the rest", () =>
    Effect.gen(function* () {
      let calls = 0
      const flaky = Effect.suspend(() => (++calls < 3 ? Effect.fail("busy") : Effect.succeed("ok")))
      const policy = { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 50 }
      const result = yield* withRetries(flaky, { policy, classify: () => ({ retryable: true, retryAfterMs: 1 }), describe: String, label: "t" })
      expect([result, calls]).toEqual(["ok", 3])
      calls = 0
      const fatal = yield* Effect.flip(withRetries(flaky, { policy, classify: () => ({ retryable: false }), describe: String, label: "t" }))
      expect([fatal, calls]).toEqual(["busy", 1])
      calls = -10
      const tooLong = yield* Effect.flip(withRetries(flaky, { policy, classify: () => ({ retryable: true, retryAfterMs: 60_000 }), describe: String, label: "t" }))
      expect([tooLong, calls]).toEqual(["busy", -9])
    })
  )
})

describe("conversation", () => {
  const secret = Redacted.make("sk-planted-secret-123")
  const ctx = (dir: string): ProposalContext => ({ program: "", files, history: [], remaining: {}, experimentId: 2, transcriptDir: dir })
  const usage = { inputTokens: 100, outputTokens: 10, cacheWriteTokens: 0, cacheReadTokens: 0 }

  it.effect("turns tool calls into a proposal, sums the cost and saves a redacted transcript", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "kit-"))
      const replies: Array<TurnReply | undefined> = []
      const script: Array<ModelTurn> = [
        { text: "no tools, key sk-planted-secret-123", toolCalls: [], usage },
        { text: "", toolCalls: [{ id: "1", name: "replace", input: { path: "train.ts", old: "const DEPTH = 4", new: "const DEPTH = 5" } }], usage },
        { text: "", toolCalls: [{ id: "2", name: "finish", input: { description: "DEPTH 4 → 5" } }], usage }
      ]
      const proposal = yield* runConversation({
        agent: "test",
        model: "m",
        ctx: ctx(dir),
        system: systemPrompt,
        context: { stable: "", dynamic: "" },
        maxTurns: 5,
        price: { inputPerMTok: 1, outputPerMTok: 10 },
        secrets: [secret],
        turn: (reply) => Effect.sync(() => (replies.push(reply), script.shift()!))
      })
      expect(proposal.description).toBe("DEPTH 4 → 5")
      expect(proposal.costUsd).toBeCloseTo((3 * 100 * 1 + 3 * 10 * 10) / 1e6, 12)
      expect(replies[1]?.note).toMatch(/Use the tools/)
      expect(readdirSync(dir)).toEqual(["2.json"])
      const text = readFileSync(proposal.transcript!, "utf8")
      expect(text).not.toContain("sk-planted-secret-123")
      expect(text).toContain("<redacted>")
    })
  )

  it.effect("fails with the spend when the model never finishes", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "kit-"))
      const error = yield* Effect.flip(
        runConversation({
          agent: "test",
          model: "m",
          ctx: ctx(dir),
          system: "",
          context: { stable: "", dynamic: "" },
          maxTurns: 2,
          price: { inputPerMTok: 1, outputPerMTok: 10 },
          secrets: [],
          turn: () => Effect.succeed({ text: "thinking", toolCalls: [], usage })
        })
      )
      expect(error).toBeInstanceOf(AgentError)
      expect(error.message).toMatch(/did not call finish within 2 turns/)
      expect(error.costUsd).toBeCloseTo(2 * 200 / 1e6, 12)
      expect(JSON.parse(readFileSync(join(dir, "2.json"), "utf8")).outcome.kind).toBe("error")
    })
  )
})
