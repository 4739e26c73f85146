import { readFileSync, symlinkSync, writeFileSync, unlinkSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { diffStatOf } from "@autoresearch/core"
import { GitWorkspace } from "../src/index.js"
import { CANVAS, git, makeRepo } from "./support/repo.js"

const open = (dir: string) => Effect.runPromise(GitWorkspace.make({ dir, editable: ["train.ts"] }))
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const fail = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.flip(effect))

describe("GitWorkspace", () => {
  it("creates the run branch, commits edits, diffs and resets without touching main", async () => {
    const dir = makeRepo()
    const main = git(dir, "rev-parse", "main")
    const ws = await open(dir)
    const base = await run(ws.prepare("t1"))
    expect(base).toBe(main)
    expect(git(dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("autoresearch/t1")
    await run(ws.apply([{ path: "train.ts", old: "const depth = 4", new: "const depth = 6" }, { path: "./train.ts", old: "lr = 0.01", new: "lr = 0.02" }]))
    const sha = await run(ws.commit("deeper"))
    expect(sha).toMatch(/^[0-9a-f]{40}$/)
    expect(await run(ws.head)).toBe(sha)
    const diff = await run(ws.diff(base, sha))
    expect(diff).toContain("+const depth = 6")
    expect(await run(ws.diffStat(base, sha))).toEqual({ files: 1, insertions: 2, deletions: 2 })
    await run(ws.reset(base))
    expect(readFileSync(join(dir, "train.ts"), "utf8")).toBe(CANVAS)
    expect(git(dir, "rev-parse", "main")).toBe(main)
    // Resuming checks the branch out again and finds the same head.
    git(dir, "checkout", "-q", "main")
    expect(await run((await open(dir)).prepare("t1"))).toBe(base)
  })

  it("keeps runs/ out of git status even when the workspace's .gitignore is gone", async () => {
    const dir = makeRepo()
    git(dir, "rm", "-q", ".gitignore")
    git(dir, "commit", "-q", "-m", "no ignore file")
    await run((await open(dir)).prepare("t1"))
    mkdirSync(join(dir, "runs", "t1"), { recursive: true })
    writeFileSync(join(dir, "runs", "t1", "results.tsv"), "commit\n")
    expect(git(dir, "status", "--porcelain")).toBe("")
    await run((await open(dir)).prepare("t1")) // idempotent: one exclude line, not two
    expect(readFileSync(join(dir, ".git", "info", "exclude"), "utf8").split("\n").filter((l) => l === "/runs/")).toHaveLength(1)
  })

  it("applies all edits or none, with exact unique matches", async () => {
    const dir = makeRepo()
    const ws = await open(dir)
    await run(ws.prepare("t"))
    const missing = await fail(ws.apply([{ path: "train.ts", old: "const depth = 4", new: "x" }, { path: "train.ts", old: "nope", new: "y" }]))
    expect(missing._tag).toBe("EditError")
    expect(missing.message).toMatch(/edit 2 of 2 .*not found/)
    expect(readFileSync(join(dir, "train.ts"), "utf8")).toBe(CANVAS)
    const ambiguous = await fail(ws.apply([{ path: "train.ts", old: "const", new: "let" }]))
    expect(ambiguous.message).toMatch(/occurs 2 times/)
    expect((await fail(ws.apply([]))).message).toMatch(/no edits/)
  })

  it("refuses paths outside the canvas: other files, .., absolute paths and symlinks", async () => {
    const dir = makeRepo()
    const ws = await open(dir)
    await run(ws.prepare("t"))
    const edit = (path: string) => fail(ws.apply([{ path, old: "notes", new: "pwned" }]))
    expect((await edit("notes.txt")).message).toMatch(/not editable/)
    expect((await edit("../train.ts")).message).toMatch(/not a relative path inside/)
    expect((await edit("sub/../../x")).message).toMatch(/not a relative path inside/)
    expect((await edit(join(dir, "train.ts"))).message).toMatch(/not a relative path inside/)
    // A canvas that is a symlink to another file is refused too.
    const outside = join(dir, "notes.txt")
    unlinkSync(join(dir, "train.ts"))
    symlinkSync(outside, join(dir, "train.ts"))
    expect((await edit("train.ts")).message).toMatch(/symlink/)
    expect(readFileSync(outside, "utf8")).toBe("notes\n")
  })

  it("refuses a symlinked directory on the canvas path", async () => {
    const dir = makeRepo()
    mkdirSync(join(dir, "elsewhere"))
    writeFileSync(join(dir, "elsewhere", "model.ts"), "const a = 1\n")
    symlinkSync(join(dir, "elsewhere"), join(dir, "src"))
    const ws = await Effect.runPromise(GitWorkspace.make({ dir, editable: ["src/model.ts"] }))
    const error = await fail(ws.apply([{ path: "src/model.ts", old: "a = 1", new: "a = 2" }]))
    expect(error.message).toMatch(/symlink/)
  })

  it("refuses to start when files outside the canvas are dirty, and keeps a dirty canvas as a commit", async () => {
    const dir = makeRepo()
    writeFileSync(join(dir, "notes.txt"), "changed\n")
    const error = await fail((await open(dir)).prepare("t"))
    expect(error._tag).toBe("WorkspaceError")
    expect(error.message).toMatch(/notes\.txt/)
    expect(error.hint).toMatch(/commit or stash/)
    expect(git(dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main")
    git(dir, "checkout", "-q", "notes.txt")
    writeFileSync(join(dir, "train.ts"), `${CANVAS}// mine\n`)
    const ws = await open(dir)
    const head = await run(ws.prepare("t"))
    expect(head).not.toBe(git(dir, "rev-parse", "main"))
    expect(git(dir, "show", "HEAD:train.ts")).toContain("// mine")
  })

  it("refuses to reset when someone checked out another branch", async () => {
    const dir = makeRepo()
    const ws = await open(dir)
    const base = await run(ws.prepare("t"))
    git(dir, "checkout", "-q", "main")
    const error = await fail(ws.reset(base))
    expect(error.message).toMatch(/left the run branch/)
  })

  it("counts a diff's stat", () => {
    const diff = ["diff --git a/x b/x", "--- a/x", "+++ b/x", "@@ -1,2 +1,2 @@", "-a", "+++b", " c"].join("\n")
    expect(diffStatOf(diff)).toEqual({ files: 1, insertions: 1, deletions: 1 })
  })
})
