// The research workspace on git: one branch per run (`autoresearch/<tag>`), a commit per
// experiment, `reset --hard` back to the best. simple-git is the API; every call is one short
// git process, so an experiment costs a handful of spawns.
import { appendFileSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { EditError, Workspace, WorkspaceError, diffStatOf } from "@autoresearch/core"
import { Effect, Layer } from "effect"
import { simpleGit, type SimpleGit } from "simple-git"
import { applyEditsInMemory } from "./apply-edits.js"
import { normaliseRelative, resolveCanvasPath } from "./canvas-paths.js"

/**
 * Keeps the workspace's runs/ (logs, results) out of `git status` through the repository's own
 * exclude file, so it stays quiet even when the workspace's .gitignore was removed.
 */
const excludeRuns = (gitDir: string, prefix: string) => {
  const file = join(gitDir, "info", "exclude")
  const pattern = `/${prefix}runs/`
  const current = existsSync(file) ? readFileSync(file, "utf8") : ""
  if (current.split("\n").includes(pattern)) return
  mkdirSync(join(gitDir, "info"), { recursive: true })
  appendFileSync(file, `${current === "" || current.endsWith("\n") ? "" : "\n"}${pattern}\n`)
}

export interface GitWorkspaceOptions {
  /** The work tree holding the canvas (a git repository, or a folder inside one). */
  readonly dir: string
  /** Paths relative to `dir` that the agent may edit (the canvas), e.g. ["train.ts"]. */
  readonly editable: ReadonlyArray<string>
}

/**
 * Every git call runs with these: no hooks (a run could have planted one in .git/hooks, or set
 * core.hooksPath), no fsmonitor (a configured one is a command git runs).
 */
const HARDENED = ["core.hooksPath=/dev/null", "core.fsmonitor=false"]

/** Used for commits only when the repository has no identity configured. */
const FALLBACK_IDENTITY = ["-c", "user.name=autoresearch", "-c", "user.email=autoresearch@localhost"]

export const runBranch = (tag: string) => `autoresearch/${tag}`

/** Where the kept nodes of a branching run live, so a node off the run branch survives gc and resumes. */
export const nodeRefs = (tag: string) => `refs/autoresearch/${tag}/`

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).trim()

const make = (options: GitWorkspaceOptions) =>
  Effect.gen(function* () {
    const dir = resolve(options.dir)
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      return yield* new WorkspaceError({ message: `workspace ${dir} does not exist`, hint: "run `autoresearch init` there first" })
    }
    const realDir = realpathSync(dir)
    const editableList: Array<string> = []
    for (const path of options.editable) {
      const normal = normaliseRelative(path)
      if (normal === undefined) return yield* new WorkspaceError({ message: `editable path ${path} must be relative and inside the workspace` })
      editableList.push(normal)
    }
    const editable = new Set(editableList)
    // simple-git blocks these two settings as "unsafe" because they can name a program; here they
    // switch programs off, so they are allowed explicitly.
    const git: SimpleGit = simpleGit({ baseDir: dir, config: HARDENED, unsafe: { allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true } })

    // Commands are run without -q on purpose: simple-git waits 50 ms extra for a git process
    // that printed nothing, which would double the loop's overhead per experiment.
    const run = (what: string, args: ReadonlyArray<string>) =>
      Effect.tryPromise({
        try: () => git.raw([...args]),
        catch: (error) => new WorkspaceError({ message: `git ${what} failed in ${dir}: ${errorText(error)}`, cause: error })
      })

    // Filled by prepare(): the branch we own, and how to reach the repository's files.
    let branchRef: string | undefined
    let runTag = ""
    let headFile = ""
    let prefix = ""
    let identity: ReadonlyArray<string> = []

    /** Refuses to move a branch other than the run's (someone may have checked out another). */
    const ensureOnRunBranch = Effect.suspend(() => {
      if (branchRef === undefined) {
        return Effect.fail(new WorkspaceError({ message: "the workspace is not prepared: call prepare(tag) first" }))
      }
      const head = readFileSync(headFile, "utf8").trim()
      return head === `ref: ${branchRef}`
        ? Effect.void
        : Effect.fail(
            new WorkspaceError({
              message: `the workspace left the run branch (HEAD is ${head.replace(/^ref: refs\/heads\//, "")}); refusing to touch it`,
              hint: `check out ${branchRef.replace("refs/heads/", "")} again and restart the run`
            })
          )
    })

    const head = run("rev-parse", ["rev-parse", "HEAD"]).pipe(Effect.map((out) => out.trim()))

    /**
     * Refuses tracked files marked skip-worktree or assume-unchanged: git would then neither show
     * their changes nor restore them on `reset --hard`, so an edit planted there would survive.
     */
    const refuseHiddenChanges = run("ls-files", ["ls-files", "-v", "-z"]).pipe(
      Effect.flatMap((out) => {
        const hidden = out
          .split("\0")
          .filter((entry) => entry.length > 2 && (entry[0] === "S" || /^[a-z]$/.test(entry[0]!)))
          .map((entry) => entry.slice(2))
        return hidden.length === 0
          ? Effect.void
          : Effect.fail(
              new WorkspaceError({
                message: `tracked files are marked skip-worktree or assume-unchanged, so git would hide their changes: ${hidden.slice(0, 5).join(", ")}`,
                hint: `clear the marks: git update-index --no-skip-worktree --no-assume-unchanged -- ${hidden.slice(0, 5).join(" ")}`
              })
            )
      })
    )

    /** Tracked files that differ from HEAD, relative to `dir`; untracked files are ignored. */
    const dirtyPaths = run("status", ["status", "--porcelain=v1", "-z", "--untracked-files=no"]).pipe(
      Effect.map((out) => {
        const paths: Array<string> = []
        const entries = out.split("\0")
        for (let i = 0; i < entries.length; i++) {
          const entry = entries[i]!
          if (entry.length < 4) continue
          const status = entry.slice(0, 2)
          const path = entry.slice(3)
          if (status.includes("R") || status.includes("C")) i++ // the next entry is the rename's source
          // Porcelain paths are relative to the repository root; the canvas is relative to dir.
          paths.push(path.startsWith(prefix) ? path.slice(prefix.length) : `:/${path}`)
        }
        return paths
      })
    )

    const prepare = (tag: string) =>
      Effect.gen(function* () {
        const inside = yield* run("rev-parse", ["rev-parse", "--is-inside-work-tree", "--show-prefix", "--absolute-git-dir"]).pipe(
          Effect.mapError(
            () => new WorkspaceError({ message: `${dir} is not a git repository`, hint: "run `git init` and commit train.ts, or `autoresearch init`" })
          )
        )
        const [, showPrefix = "", gitDir = ""] = inside.split("\n").map((line) => line.trim())
        prefix = showPrefix
        headFile = join(gitDir, "HEAD")
        yield* Effect.ignore(Effect.try(() => excludeRuns(gitDir, prefix)))
        yield* head.pipe(
          Effect.mapError(() => new WorkspaceError({ message: `${dir} has no commit yet`, hint: "commit the canvas (git add train.ts && git commit) first" }))
        )
        for (const path of editableList) {
          if (!existsSync(join(dir, path))) {
            return yield* new WorkspaceError({ message: `the canvas file ${path} does not exist in ${dir}`, hint: "run `autoresearch init` to create it" })
          }
        }
        const hasIdentity = yield* run("config", ["config", "user.email"]).pipe(
          Effect.map((out) => out.trim() !== ""),
          Effect.orElseSucceed(() => false)
        )
        identity = hasIdentity ? [] : FALLBACK_IDENTITY
        yield* refuseHiddenChanges

        const dirty = yield* dirtyPaths
        const foreign = dirty.filter((path) => !editable.has(path))
        if (foreign.length > 0) {
          return yield* new WorkspaceError({
            message: `files outside the canvas have uncommitted changes: ${foreign.slice(0, 5).join(", ")}${foreign.length > 5 ? ", ..." : ""}`,
            hint: "commit or stash them first: the loop resets the work tree with `git reset --hard`"
          })
        }
        const branch = runBranch(tag)
        const ref = `refs/heads/${branch}`
        const current = readFileSync(headFile, "utf8").trim()
        if (current !== `ref: ${ref}`) {
          const exists = yield* run("rev-parse", ["rev-parse", "--verify", ref]).pipe(
            Effect.as(true),
            Effect.orElseSucceed(() => false)
          )
          if (exists && dirty.length > 0) {
            return yield* new WorkspaceError({
              message: `cannot resume run ${tag}: ${dirty.join(", ")} has uncommitted changes on the current branch`,
              hint: "commit or stash them, then run again"
            })
          }
          yield* run("checkout", exists ? ["checkout", branch] : ["checkout", "-b", branch])
          if (!exists && dirty.length > 0) {
            // The person's uncommitted canvas is what the baseline must measure: keep it as a commit.
            yield* run("commit", [...identity, "commit", "--no-verify", "-m", `autoresearch: canvas at the start of run ${tag}`, "--only", "--", ...editableList])
          }
        }
        branchRef = ref
        runTag = tag
        return yield* head
      })

    const readFile = (path: string): Effect.Effect<string, WorkspaceError | EditError> =>
      Effect.suspend((): Effect.Effect<string, WorkspaceError | EditError> => {
        const relative = normaliseRelative(path)
        if (relative === undefined) {
          return Effect.fail(new EditError({ message: `${JSON.stringify(path)} is not a relative path inside the workspace`, path }))
        }
        return Effect.try({
          try: () => readFileSync(join(dir, relative), "utf8"),
          catch: (error) => new WorkspaceError({ message: `cannot read ${relative}: ${errorText(error)}`, cause: error })
        })
      })

    const apply = (edits: ReadonlyArray<{ readonly path: string; readonly old: string; readonly new: string }>) =>
      Effect.gen(function* () {
        if (edits.length === 0) return yield* new EditError({ message: "the proposal has no edits", path: "" })
        const resolved: Array<{ path: string; old: string; new: string; relative: string; absolute: string }> = []
        for (const edit of edits) {
          const target = resolveCanvasPath(dir, realDir, editable, edit.path)
          if (target instanceof EditError) return yield* target
          resolved.push({ ...edit, ...target })
        }
        const contents = new Map<string, string>()
        for (const edit of resolved) {
          if (!contents.has(edit.relative)) contents.set(edit.relative, yield* readFile(edit.relative))
        }
        const changed = applyEditsInMemory(contents, resolved)
        if (changed instanceof EditError) return yield* changed
        yield* Effect.try({
          try: () => {
            for (const [relative, text] of changed) writeFileSync(join(dir, relative), text)
          },
          catch: (error) => new WorkspaceError({ message: `cannot write the canvas: ${errorText(error)}`, cause: error })
        })
      })

    const commit = (message: string) =>
      Effect.gen(function* () {
        yield* ensureOnRunBranch
        yield* refuseHiddenChanges
        yield* run("commit", [...identity, "commit", "--no-verify", "--allow-empty", "-m", message, "--only", "--", ...editableList])
        return yield* head
      })

    const reset = (commit: string) =>
      Effect.gen(function* () {
        yield* ensureOnRunBranch
        if (!/^[0-9a-f]{7,64}$/i.test(commit)) return yield* new WorkspaceError({ message: `not a commit: ${JSON.stringify(commit)}` })
        yield* run("reset", ["reset", "--hard", commit])
      })

    const pin = (name: string, commit: string) =>
      Effect.gen(function* () {
        yield* ensureOnRunBranch
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) return yield* new WorkspaceError({ message: `not a node name: ${JSON.stringify(name)}` })
        if (!/^[0-9a-f]{7,64}$/i.test(commit)) return yield* new WorkspaceError({ message: `not a commit: ${JSON.stringify(commit)}` })
        yield* run("update-ref", ["update-ref", `${nodeRefs(runTag)}${name}`, commit])
      })

    const diff = (from: string, to: string) => run("diff", ["diff", "--no-ext-diff", "--no-textconv", from, to, "--", ...editableList])

    return Workspace.of({
      dir,
      editable: editableList,
      prepare,
      read: readFile,
      apply,
      commit,
      reset,
      head,
      pin,
      diff,
      diffStat: (from, to) => Effect.map(diff(from, to), diffStatOf)
    })
  })

/** The default Workspace: a git work tree on branch `autoresearch/<tag>`. */
export const GitWorkspace = {
  layer: (options: GitWorkspaceOptions): Layer.Layer<Workspace, WorkspaceError> => Layer.effect(Workspace, make(options)),
  make
}

