// The coding agents' shared half: the scratch folder (only the canvas's change leaves it) and
// the prompt and description.
import { describe, expect, it } from "@effect/vitest"
import { codingAgentPrompt, descriptionFrom, makeScratchWorkspace, type ProposalContext } from "@autoresearch/core"
import { Effect } from "effect"
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\n"

describe("makeScratchWorkspace", () => {
  it.scoped("holds program.md and the canvas; only the canvas's change comes back, the rest is named and discarded", () =>
    Effect.gen(function* () {
      const scratch = yield* makeScratchWorkspace("Go.\n", [
        { path: "train.ts", content: canvas },
        { path: "lib/model.ts", content: "export const x = 1\n" }
      ])
      expect(readFileSync(join(scratch.dir, "program.md"), "utf8")).toBe("Go.\n")
      expect(readFileSync(join(scratch.dir, "lib/model.ts"), "utf8")).toBe("export const x = 1\n")
      expect(scratch.isCanvas(join(scratch.dir, "train.ts"))).toBe(true)
      expect(scratch.isCanvas("lib/../train.ts")).toBe(true)
      expect(scratch.isCanvas(join(scratch.dir, "program.md"))).toBe(false)
      expect(scratch.contains(join(scratch.dir, "..", "elsewhere"))).toBe(false)
      expect(scratch.contains(`${scratch.dir}-sibling/train.ts`)).toBe(false)

      expect(yield* scratch.collect).toEqual({ edits: [], discarded: [], notes: [] })
      expect(existsSync(join(scratch.dir, "notes.md"))).toBe(false) // this run keeps no notes

      writeFileSync(join(scratch.dir, "train.ts"), canvas.replace("0.04", "0.06"))
      rmSync(join(scratch.dir, "lib/model.ts"))
      writeFileSync(join(scratch.dir, "program.md"), "Cheat.\n")
      mkdirSync(join(scratch.dir, "deep/er"), { recursive: true })
      writeFileSync(join(scratch.dir, "deep/er/prepare.ts"), "x")
      const outcome = yield* scratch.collect
      expect(outcome.edits).toEqual([{ path: "train.ts", old: canvas, new: canvas.replace("0.04", "0.06") }])
      expect([...outcome.discarded].sort()).toEqual(["deep/er/prepare.ts (created)", "lib/model.ts (deleted; kept as it was)", "program.md (changed)"])
    })
  )

  it.effect("holds the run's notes as notes.md: appended lines come back (at most 5), a rewrite keeps only its new lines", () =>
    Effect.gen(function* () {
      const before = "- [experiment 2] lr 0.06 helped\n"
      const appended = yield* Effect.scoped(
        Effect.gen(function* () {
          const scratch = yield* makeScratchWorkspace("", [{ path: "train.ts", content: canvas }], "scratch-test-", before)
          expect(readFileSync(join(scratch.dir, "notes.md"), "utf8")).toBe(before)
          expect(scratch.isNotes("notes.md") && !scratch.isCanvas("notes.md")).toBe(true)
          writeFileSync(join(scratch.dir, "notes.md"), `${before}- depth 6 crashed (OOM)\n\n${Array.from({ length: 9 }, (_, k) => `idea ${k}`).join("\n")}\n`)
          return yield* scratch.collect
        })
      )
      expect(appended.discarded).toEqual([])
      expect(appended.notes).toEqual(["depth 6 crashed (OOM)", "idea 0", "idea 1", "idea 2", "idea 3"])
      const rewritten = yield* Effect.scoped(
        Effect.gen(function* () {
          const scratch = yield* makeScratchWorkspace("", [{ path: "train.ts", content: canvas }], "scratch-test-", before)
          writeFileSync(join(scratch.dir, "notes.md"), "everything before was wrong\n")
          return yield* scratch.collect
        })
      )
      expect(rewritten.notes).toEqual(["everything before was wrong"])
    })
  )

  it.effect("is removed when its scope closes; a canvas path outside it is refused", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.scoped(Effect.map(makeScratchWorkspace("", [{ path: "train.ts", content: canvas }]), (scratch) => scratch.dir))
      expect(existsSync(dir)).toBe(false)
      const error = yield* Effect.flip(Effect.scoped(makeScratchWorkspace("", [{ path: "../train.ts", content: canvas }])))
      expect(error.message).toBe("canvas path ../train.ts is outside the workspace")
    })
  )
})

describe("codingAgentPrompt", () => {
  const ctx: ProposalContext = {
    program: "Find a better learning rate.",
    files: [{ path: "train.ts", content: canvas }],
    history: [],
    remaining: { experiments: 3 },
    experimentId: 4
  }

  it("keeps the shared rules and context, with the coding agent's own way of working", () => {
    const { system, prompt } = codingAgentPrompt(ctx)
    expect(system).toContain("Only the canvas may change")
    expect(system).toContain("You can only change train.ts")
    expect(system).not.toContain("`replace`")
    expect(prompt).toContain("Find a better learning rate.")
    expect(prompt).toContain("2| const MATRIX_LR = 0.04")
    expect(prompt).toContain("This is experiment 4. Left in this run: 3 experiments.")
    expect(prompt).not.toContain("`finish`")
    expect(prompt.endsWith("Edit the file, then reply with the one-line description.")).toBe(true)
  })

  it("takes the description from the last non-empty line", () => {
    expect(descriptionFrom("I raised it.\n\n- `MATRIX_LR 0.04 -> 0.06`\n")).toBe("MATRIX_LR 0.04 -> 0.06")
    expect(descriptionFrom("  \n")).toBeUndefined()
    expect(descriptionFrom("x".repeat(300))).toHaveLength(200)
  })
})
