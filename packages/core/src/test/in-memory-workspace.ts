// TEST DOUBLE. A Workspace without git: the canvas lives in memory, commits are snapshots.
// It applies edits by the same rules as the git workspace (canvas paths only, exact unique
// matches, all or none), so a plugin can be tested without a repository.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { diffStatOf } from "../diff-stat.js"
import type { FileEdit } from "../domain.js"
import { EditError, WorkspaceError } from "../errors.js"
import { Workspace } from "../services/workspace.js"

/** TEST DOUBLE settings: the files of the canvas, which of them the agent may edit, and the directory it claims to be. */
export interface InMemoryWorkspaceOptions {
  /** The files at the first commit, by relative path (the canvas and anything else, e.g. program.md). */
  readonly files: Readonly<Record<string, string>>
  /** Paths the agent may edit; default every file except program.md. */
  readonly editable?: ReadonlyArray<string>
  /** A real directory for logs and the trainer's cwd; default a fresh temporary one. */
  readonly dir?: string
}

/** TEST DOUBLE: a Workspace layer, its directory, and its files and commits to assert on. */
export interface InMemoryWorkspaceDouble {
  readonly layer: Layer.Layer<Workspace>
  /** The real directory standing in for the work tree (logs go under runs/ there). */
  readonly dir: string
  /** The work tree now. */
  readonly files: () => Readonly<Record<string, string>>
  /** Every commit, oldest first, with its message and files. */
  readonly commits: ReadonlyArray<{ readonly hash: string; readonly message: string; readonly files: Readonly<Record<string, string>> }>
  readonly head: () => string
}

const occurrences = (text: string, needle: string) => text.split(needle).length - 1

/** A unified diff of one file: the changed lines between the common head and tail. */
const fileDiff = (path: string, before: string, after: string): string => {
  if (before === after) return ""
  const a = before.split("\n")
  const b = after.split("\n")
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let end = 0
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++
  const removed = a.slice(start, a.length - end)
  const added = b.slice(start, b.length - end)
  return [
    `diff --git a/${path} b/${path}`,
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -${start + 1},${removed.length} +${start + 1},${added.length} @@`,
    ...removed.map((line) => `-${line}`),
    ...added.map((line) => `+${line}`)
  ].join("\n") + "\n"
}

/**
 * TEST DOUBLE: a Workspace in memory with the git workspace's edit rules, commits and resets, no git needed.
 *
 * @example
 * const workspace = InMemoryWorkspace.make({ files: { "train.ts": "const lr = 0.01\n" } })
 * workspace.files()["train.ts"]
 */
export const InMemoryWorkspace = {
  make: (options: InMemoryWorkspaceOptions): InMemoryWorkspaceDouble => {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), "autoresearch-memory-"))
    const editable = options.editable ?? Object.keys(options.files).filter((path) => path !== "program.md")
    let tree: Record<string, string> = { ...options.files }
    const commits: Array<{ hash: string; message: string; files: Record<string, string> }> = []
    const snapshot = (message: string) => {
      const hash = (commits.length + 1).toString(16).padStart(40, "0")
      commits.push({ hash, message, files: { ...tree } })
      return hash
    }
    let headHash = snapshot("initial")
    const at = (hash: string) => commits.find((c) => c.hash === hash)
    const missing = (hash: string) => new WorkspaceError({ message: `InMemoryWorkspace (test double): no commit ${hash}` })

    const apply = (edits: ReadonlyArray<FileEdit>) =>
      Effect.suspend(() => {
        if (edits.length === 0) return Effect.fail(new EditError({ message: "the proposal has no edits", path: "" }))
        const next = { ...tree }
        for (const [i, edit] of edits.entries()) {
          const where = `edit ${i + 1} of ${edits.length} (${edit.path})`
          if (!editable.includes(edit.path)) return Effect.fail(new EditError({ message: `${edit.path} is not editable: only ${editable.join(", ")} may be changed`, path: edit.path }))
          const text = next[edit.path] ?? ""
          const found = edit.old === "" ? 0 : occurrences(text, edit.old)
          if (found !== 1) {
            const why = edit.old === "" ? "the text to replace is empty" : found === 0 ? "the text to replace was not found" : `the text to replace occurs ${found} times`
            return Effect.fail(new EditError({ message: `${where}: ${why}`, path: edit.path }))
          }
          next[edit.path] = text.replace(edit.old, () => edit.new)
        }
        tree = next
        return Effect.void
      })

    const diff = (from: string, to: string) =>
      Effect.suspend(() => {
        const a = at(from)
        const b = at(to)
        if (a === undefined) return Effect.fail(missing(from))
        if (b === undefined) return Effect.fail(missing(to))
        return Effect.succeed(editable.map((path) => fileDiff(path, a.files[path] ?? "", b.files[path] ?? "")).join(""))
      })

    const layer = Layer.succeed(
      Workspace,
      Workspace.of({
        dir,
        editable,
        prepare: () => Effect.sync(() => headHash),
        read: (path) =>
          Effect.suspend(() => (path in tree ? Effect.succeed(tree[path]!) : Effect.fail(new WorkspaceError({ message: `cannot read ${path}: no such file` })))),
        apply,
        commit: (message) => Effect.sync(() => (headHash = snapshot(message))),
        reset: (hash) =>
          Effect.suspend(() => {
            const commit = at(hash)
            if (commit === undefined) return Effect.fail(missing(hash))
            tree = { ...commit.files }
            headHash = hash
            return Effect.void
          }),
        head: Effect.sync(() => headHash),
        diff,
        diffStat: (from, to) => Effect.map(diff(from, to), diffStatOf)
      })
    )
    return { layer, dir, files: () => ({ ...tree }), commits, head: () => headHash }
  }
}
