// Where a coding agent (Claude Code, Codex) works: a throw-away folder holding program.md and
// the canvas, never the research workspace itself. Afterwards only the canvas's change is taken,
// as whole-file edits; every other file the agent wrote is discarded and named, so a canvas-only
// diff is all a coding agent can ever produce, whatever its tools or sandbox allowed. When the run
// keeps research notes, the folder also holds them as notes.md: the lines the agent appends are
// handed back as notes (the loop's notes file takes them with its cap, notes.ts).
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
  /** The lines the agent added to notes.md (at most NOTES_PER_PROPOSAL). */
  readonly notes: ReadonlyArray<string>
}

/** The file in the scratch folder that holds the run's research notes. */
export const SCRATCH_NOTES = "notes.md"
/** The most notes one proposal may add: a flood is cut, not kept. */
export const NOTES_PER_PROPOSAL = 5

/** The lines of `after` that are new: what was appended to `before`, or else every line not in it. */
const addedLines = (before: string, after: string): Array<string> => {
  const old = new Set(before.split("\n"))
  const added = after.startsWith(before) ? after.slice(before.length).split("\n") : after.split("\n").filter((line) => !old.has(line))
  return added
    .map((line) => line.replace(/^\s*[-*]\s*(\[experiment \d+\]\s*)?/, "").trim())
    .filter((line) => line !== "")
    .slice(0, NOTES_PER_PROPOSAL)
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
  /** Whether `path` is the notes file (only when the run keeps notes). */
  readonly isNotes: (path: string) => boolean
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
 * `notes`: the run's research notes, written as notes.md (undefined: the run keeps none).
 */
export const makeScratchWorkspace = (
  program: string,
  files: ReadonlyArray<CanvasFile>,
  prefix = "autoresearch-agent-",
  notes?: string
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
    const keepsNotes = notes !== undefined && !files.some((file) => file.path === SCRATCH_NOTES)
    const originals = new Map<string, string>([
      ["program.md", program],
      ...(keepsNotes ? [[SCRATCH_NOTES, notes] as const] : []),
      ...files.map((file) => [file.path, file.content] as const)
    ])
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
    const isNotes = (path: string) => keepsNotes && absolute(path) === absolute(SCRATCH_NOTES)

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
        const added = keepsNotes ? addedLines(notes ?? "", (await readOrUndefined(absolute(SCRATCH_NOTES))) ?? notes ?? "") : []
        for (const [path, content] of originals) {
          if (files.some((file) => file.path === path) || isNotes(path)) continue
          if (!present.has(path)) discarded.push(`${path} (deleted)`)
          else if ((await readOrUndefined(absolute(path))) !== content) discarded.push(`${path} (changed)`)
        }
        for (const path of present) if (!originals.has(path)) discarded.push(`${path} (created)`)
        return { edits, discarded, notes: added }
      },
      catch: (error) => new AgentError({ message: `could not read back the agent's scratch folder: ${String(error)}` })
    })

    return { dir, canvasPaths, contains, isCanvas, isNotes, collect }
  })
