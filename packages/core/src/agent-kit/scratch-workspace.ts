// Where a coding agent (Claude Code, Codex) works: a throw-away folder holding program.md and
// the canvas, never the research workspace itself. Afterwards only the canvas's change is taken,
// as whole-file edits; every other file the agent wrote is discarded and named, so a canvas-only
// diff is all a coding agent can ever produce, whatever its tools or sandbox allowed.
import { Effect, type Scope } from "effect"
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, relative, resolve, sep } from "node:path"
import type { FileEdit } from "../domain.js"
import { AgentError } from "../errors.js"
import type { CanvasFile } from "../services/agent.js"

/** What the agent left in its scratch folder. */
export interface ScratchOutcome {
  /** The canvas's change, one whole-file replacement per changed canvas file. */
  readonly edits: ReadonlyArray<FileEdit>
  /** Files other than the canvas the agent created, changed or deleted: thrown away. */
  readonly discarded: ReadonlyArray<string>
}

/** A throwaway copy of the canvas for a coding agent to edit; its diff becomes the proposal. */
export interface ScratchWorkspace {
  /** The folder's absolute path: the agent's working directory. */
  readonly dir: string
  /** The canvas paths as absolute paths in the folder. */
  readonly canvasPaths: ReadonlyArray<string>
  /** Whether `path` (absolute, or relative to the folder) is inside the folder. */
  readonly contains: (path: string) => boolean
  /** Whether `path` (absolute, or relative to the folder) is one of the canvas files. */
  readonly isCanvas: (path: string) => boolean
  /** Reads back what the agent did. */
  readonly collect: Effect.Effect<ScratchOutcome, AgentError>
}

const listFiles = async (root: string, dir = root): Promise<Array<string>> => {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name)
      return entry.isDirectory() ? listFiles(root, path) : Promise.resolve([relative(root, path)])
    })
  )
  return nested.flat()
}

const readOrUndefined = (path: string) => readFile(path, "utf8").catch(() => undefined)

/**
 * A scratch folder with program.md and the canvas files, removed when the scope closes.
 * Canvas paths must be relative and stay inside the folder (the loop's canvas paths always do).
 */
export const makeScratchWorkspace = (
  program: string,
  files: ReadonlyArray<CanvasFile>,
  prefix = "autoresearch-agent-"
): Effect.Effect<ScratchWorkspace, AgentError, Scope.Scope> =>
  Effect.gen(function* () {
    const dir = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => mkdtemp(join(tmpdir(), prefix)),
        catch: (error) => new AgentError({ message: `could not create the agent's scratch folder: ${String(error)}` })
      }),
      (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
    )
    const absolute = (path: string) => resolve(dir, path)
    const contains = (path: string) => {
      const full = absolute(path)
      return full === dir || full.startsWith(dir + sep)
    }
    const originals = new Map<string, string>([["program.md", program], ...files.map((file) => [file.path, file.content] as const)])
    for (const path of originals.keys()) {
      if (!contains(path) || absolute(path) === dir) return yield* new AgentError({ message: `canvas path ${path} is outside the workspace` })
    }
    yield* Effect.tryPromise({
      try: async () => {
        for (const [path, content] of originals) {
          await mkdir(dirname(absolute(path)), { recursive: true })
          await writeFile(absolute(path), content)
        }
      },
      catch: (error) => new AgentError({ message: `could not write the agent's scratch folder: ${String(error)}` })
    })
    const canvasPaths = files.map((file) => absolute(file.path))
    const isCanvas = (path: string) => canvasPaths.includes(absolute(path))

    const collect = Effect.tryPromise({
      try: async (): Promise<ScratchOutcome> => {
        const edits: Array<FileEdit> = []
        const discarded: Array<string> = []
        for (const file of files) {
          const now = await readOrUndefined(absolute(file.path))
          if (now === undefined) discarded.push(`${file.path} (deleted; kept as it was)`)
          else if (now !== file.content) edits.push({ path: file.path, old: file.content, new: now })
        }
        const present = new Set(await listFiles(dir))
        for (const [path, content] of originals) {
          if (files.some((file) => file.path === path)) continue
          if (!present.has(path)) discarded.push(`${path} (deleted)`)
          else if ((await readOrUndefined(absolute(path))) !== content) discarded.push(`${path} (changed)`)
        }
        for (const path of present) if (!originals.has(path)) discarded.push(`${path} (created)`)
        return { edits, discarded }
      },
      catch: (error) => new AgentError({ message: `could not read back the agent's scratch folder: ${String(error)}` })
    })

    return { dir, canvasPaths, contains, isCanvas, collect }
  })
