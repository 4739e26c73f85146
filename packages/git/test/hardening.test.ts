// What a run could have planted in the repository must not act later: hooks never run, and
// tracked files hidden from git (skip-worktree, assume-unchanged) are refused.
import { chmodSync, existsSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { GitWorkspace } from "../src/index.js"
import { git, makeRepo } from "./support/repo.js"

const open = (dir: string) => Effect.runPromise(GitWorkspace.make({ dir, editable: ["train.ts"] }))
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const fail = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.flip(effect))

describe("GitWorkspace hardening", () => {
  it("runs no hook: not from .git/hooks, not from a core.hooksPath a run configured", async () => {
    const dir = makeRepo()
    const marker = join(dir, "HOOK_RAN")
    for (const hook of ["post-checkout", "post-commit", "pre-commit", "reference-transaction", "post-rewrite"]) {
      const file = join(dir, ".git", "hooks", hook)
      writeFileSync(file, `#!/bin/sh\necho ${hook} >> "${marker}"\n`)
      chmodSync(file, 0o755)
    }
    git(dir, "config", "core.hooksPath", join(dir, ".git", "hooks"))
    const ws = await open(dir)
    const base = await run(ws.prepare("hooks"))
    await run(ws.apply([{ path: "train.ts", old: "const depth = 4", new: "const depth = 6" }]))
    await run(ws.commit("deeper"))
    await run(ws.reset(base))
    expect(existsSync(marker)).toBe(false)
  })

  it("refuses tracked files marked skip-worktree or assume-unchanged", async () => {
    for (const mark of ["--skip-worktree", "--assume-unchanged"]) {
      const dir = makeRepo()
      git(dir, "update-index", mark, "notes.txt")
      const ws = await open(dir)
      const error = await fail(ws.prepare("hidden"))
      expect(error.message).toMatch(/skip-worktree or assume-unchanged.*notes\.txt/)
    }
  })

  it("refuses a mark set during the run before the next commit", async () => {
    const dir = makeRepo()
    const ws = await open(dir)
    await run(ws.prepare("later"))
    git(dir, "update-index", "--skip-worktree", "program.md")
    const error = await fail(ws.commit("x"))
    expect(error.message).toMatch(/program\.md/)
  })
})
