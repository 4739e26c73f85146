// Experiment commits made without touching the work tree: many experiments are in flight at
// once, each a child of the best commit of its time, so they are built with git's plumbing
// (a private index, write-tree, commit-tree) and named by a ref, never checked out here.
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { GitRemoteError } from "../errors.js"

const identity = {
  GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? "autoresearch",
  GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? "autoresearch@localhost",
  GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? "autoresearch",
  GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? "autoresearch@localhost"
}

export const gitIn = (cwd: string, args: ReadonlyArray<string>, options: { readonly input?: string; readonly env?: Record<string, string> } = {}) =>
  Effect.async<string, GitRemoteError>((resume) => {
    const child = execFile(
      "git",
      [...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...identity, GIT_TERMINAL_PROMPT: "0", ...options.env } },
      (error, stdout, stderr) => {
        if (error) resume(Effect.fail(new GitRemoteError({ message: `git ${args[0]} failed: ${(stderr || error.message).trim().split("\n").slice(-2).join(" / ")}`, cause: error })))
        else resume(Effect.succeed(stdout))
      }
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
    return Effect.sync(() => child.kill())
  })

/** A file's content at a commit. */
export const readAt = (dir: string, commit: string, path: string) => gitIn(dir, ["show", `${commit}:${path}`])

/** Commits `files` (path → content) on top of `parent` (and points `ref`, if given, at the result). */
export const commitFiles = (dir: string, parent: string, files: ReadonlyMap<string, string>, message: string, ref?: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "ar-index-"))),
    (indexDir) =>
      Effect.gen(function* () {
        const env = { GIT_INDEX_FILE: join(indexDir, "index") }
        yield* gitIn(dir, ["read-tree", parent], { env })
        for (const [path, content] of files) {
          const blob = (yield* gitIn(dir, ["hash-object", "-w", "--stdin"], { input: content })).trim()
          yield* gitIn(dir, ["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], { env })
        }
        const tree = (yield* gitIn(dir, ["write-tree"], { env })).trim()
        const commit = (yield* gitIn(dir, ["commit-tree", tree, "-p", parent, "-F", "-"], { input: message })).trim()
        if (ref !== undefined) yield* gitIn(dir, ["update-ref", ref, commit])
        return commit
      }),
    (indexDir) => Effect.sync(() => rmSync(indexDir, { recursive: true, force: true }))
  )

export const diffBetween = (dir: string, from: string, to: string, paths: ReadonlyArray<string>) => gitIn(dir, ["diff", from, to, "--", ...paths])
