// One experiment's own work tree while many are in flight: a Workspace whose canvas lives in
// memory and whose commits are made with git's plumbing in the workspace's repository, so the
// loop's phases (apply, commit, reset, diff, read) run unchanged for N experiments at once
// without ever touching the real work tree (which stays at the best commit).
import { EditError, type FileEdit, type WorkspaceService, WorkspaceError, diffStatOf } from "@autoresearch/core"
import { applyEditsInMemory, normaliseRelative } from "@autoresearch/git"
import { Effect } from "effect"
import { commitFiles, diffBetween, readAt } from "./commits.js"

const asWorkspaceError = <A, R>(effect: Effect.Effect<A, { readonly message: string }, R>) =>
  Effect.mapError(effect, (error) => new WorkspaceError({ message: error.message }))

/** A tree of the repository in `dir` at `start`, whose editable files are `editable`. */
export const experimentTree = (dir: string, editable: ReadonlyArray<string>, start: string): Effect.Effect<WorkspaceService, WorkspaceError> =>
  Effect.gen(function* () {
    let head = start
    let files = new Map<string, string>()
    const load = (commit: string) =>
      Effect.map(
        asWorkspaceError(Effect.forEach(editable, (path) => Effect.map(readAt(dir, commit, path), (content) => [path, content] as const))),
        (entries) => {
          head = commit
          files = new Map(entries)
        }
      )
    yield* load(start)

    const apply = (edits: ReadonlyArray<FileEdit>) =>
      Effect.suspend(() => {
        const located: Array<FileEdit & { relative: string }> = []
        for (const edit of edits) {
          const relative = normaliseRelative(edit.path)
          if (relative === undefined || !editable.includes(relative)) {
            return Effect.fail(new EditError({ message: `${JSON.stringify(edit.path)} is not a canvas file (${editable.join(", ")})`, path: edit.path }))
          }
          located.push({ ...edit, relative })
        }
        const changed = applyEditsInMemory(files, located)
        if (changed instanceof EditError) return Effect.fail(changed)
        for (const [path, content] of changed) files.set(path, content)
        return Effect.void
      })
    const diff = (from: string, to: string) => asWorkspaceError(diffBetween(dir, from, to, editable))

    return {
      dir,
      editable,
      prepare: () => Effect.fail(new WorkspaceError({ message: "an experiment's tree has no run branch to prepare" })),
      read: (path) =>
        Effect.suspend(() => {
          const content = files.get(path)
          return content !== undefined ? Effect.succeed(content) : asWorkspaceError(readAt(dir, head, path))
        }),
      apply,
      commit: (message) => Effect.tap(asWorkspaceError(commitFiles(dir, head, files, message)), (commit) => Effect.sync(() => (head = commit))),
      reset: load,
      head: Effect.sync(() => head),
      diff,
      diffStat: (from, to) => Effect.map(diff(from, to), diffStatOf)
    } satisfies WorkspaceService
  })
