// Research memory: the `note` tool appends to the run's notes file (capped, oldest first out),
// every later context shows the notes, and the loop hands them to the agent across sessions.
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { appendNote, makeEditSession, NOTES_MAX_CHARS, readNotes, renderContext, toolDefinitions } from "../src/agent-kit/index.js"
import { Agent, runLoop, type ProposalContext } from "../src/index.js"
import { experimentRecord, InMemoryStore, InMemoryWorkspace, ScriptedTrainer } from "../src/test/index.js"

const temp = () => mkdtempSync(join(tmpdir(), "notes-"))

describe("the notes file", () => {
  it("appends one line per note and drops the oldest beyond the cap", () => {
    const file = join(temp(), "notes.md")
    expect(readNotes(file)).toBe("")
    expect(appendNote(file, 3, "  higher lr\nhelps ")).toBe("- [experiment 3] higher lr helps")
    for (let i = 0; i < 40; i++) appendNote(file, 10 + i, "x".repeat(300))
    const notes = readNotes(file)
    expect(notes.length).toBeLessThanOrEqual(NOTES_MAX_CHARS)
    expect(notes).not.toContain("higher lr helps")
    expect(notes.startsWith("- [experiment ")).toBe(true)
    expect(notes.trimEnd().split("\n").at(-1)).toMatch(/^- \[experiment 49\] x+$/)
  })
})

describe("the note tool", () => {
  it("is offered to every model and writes through the session's sink", () => {
    expect(toolDefinitions.map((tool) => tool.name)).toEqual(["replace", "view", "note", "finish"])
    const file = join(temp(), "notes.md")
    const session = makeEditSession([{ path: "train.ts", content: "const A = 1\n" }], (text) => appendNote(file, 7, text))
    const ok = session.execute({ id: "1", name: "note", input: { text: "A=2 crashed (oom); try 1.5" } })
    expect(ok._tag === "Continue" && ok.result).toMatchObject({ isError: false, output: "noted: - [experiment 7] A=2 crashed (oom); try 1.5" })
    expect(readFileSync(file, "utf8")).toBe("- [experiment 7] A=2 crashed (oom); try 1.5\n")
    const empty = session.execute({ id: "2", name: "note", input: { text: " " } })
    expect(empty._tag === "Continue" && empty.result.isError).toBe(true)
    const none = makeEditSession([{ path: "train.ts", content: "x" }]).execute({ id: "3", name: "note", input: { text: "a" } })
    expect(none._tag === "Continue" && none.result.output).toBe("error: this run keeps no notes")
  })
})

describe("the context", () => {
  const base: ProposalContext = { program: "", files: [{ path: "train.ts", content: "x\n" }], history: [], remaining: {}, experimentId: 9 }
  it("shows the notes, and says so on a plateau", () => {
    const records = [
      experimentRecord({ id: 1, description: "baseline", status: "keep", valBpb: 2 }),
      ...[2, 3, 4, 5, 6].map((id) => experimentRecord({ id, description: `idea ${id}`, status: "discard", valBpb: 2.1 }))
    ]
    const text = renderContext({ ...base, history: records, notes: "- [experiment 3] lr above 0.06 diverges\n" }).dynamic
    expect(text).toContain("# Your research notes")
    expect(text).toContain("- [experiment 3] lr above 0.06 diverges")
    expect(text).toContain("# Plateau\nThe last 5 experiments brought no improvement.")
    expect(renderContext({ ...base, history: records.slice(0, 5) }).dynamic).not.toContain("# Plateau")
  })
})

describe("the loop", () => {
  it("hands the agent the run's notes and where to append them, and they survive a restart", async () => {
    const dir = temp()
    const seen: Array<string | undefined> = []
    const agent = Layer.succeed(Agent, {
      name: "noting",
      propose: (ctx) => {
        seen.push(ctx.notes)
        appendNote(ctx.notesFile!, ctx.experimentId, `tried ${ctx.experimentId}`)
        return Effect.succeed({ description: `v${ctx.experimentId}`, edits: [{ path: "train.ts", old: ctx.files[0]!.content, new: `v${ctx.experimentId}\n` }] })
      }
    })
    const workspace = InMemoryWorkspace.make({ files: { "train.ts": "v0\n" }, dir })
    const store = InMemoryStore.make()
    const night = (maxExperiments: number) =>
      runLoop({
        tag: "t",
        budgetSeconds: 1,
        noiseRepeats: 0,
        maxExperiments,
        agent,
        trainer: ScriptedTrainer.make(() => 2).layer,
        store: store.layer,
        workspace: workspace.layer
      })
    await night(3)
    const file = join(dir, "runs", "t", "notes.md")
    expect(existsSync(file)).toBe(true)
    expect(seen).toEqual(["", "- [experiment 2] tried 2\n"])
    expect(readNotes(file)).toBe("- [experiment 2] tried 2\n- [experiment 3] tried 3\n")
    // A second session of the same run (a resume) starts from the notes of the first.
    await night(1)
    expect(seen.at(-1)).toBe("- [experiment 2] tried 2\n- [experiment 3] tried 3\n")
  })
})
