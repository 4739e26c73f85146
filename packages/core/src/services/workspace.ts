import { Context, type Effect } from "effect"
import type { DiffStat, FileEdit } from "../domain.js"
import type { EditError, WorkspaceError } from "../errors.js"

/** What the `Workspace` tag provides. */
export interface WorkspaceService {
  /** Absolute path of the work tree. */
  readonly dir: string
  /** Paths (relative to dir) the agent may edit: the canvas. */
  readonly editable: ReadonlyArray<string>
  /**
   * Checks out (creating if needed) branch `autoresearch/<tag>`; refuses when files other
   * than the canvas are dirty. Returns the head commit.
   */
  readonly prepare: (tag: string) => Effect.Effect<string, WorkspaceError>
  readonly read: (path: string) => Effect.Effect<string, WorkspaceError | EditError>
  /** Applies every edit or none (all are checked before anything is written). */
  readonly apply: (edits: ReadonlyArray<FileEdit>) => Effect.Effect<void, EditError | WorkspaceError>
  /** Commits the canvas; returns the full commit hash. */
  readonly commit: (message: string) => Effect.Effect<string, WorkspaceError>
  /** `git reset --hard` to a commit of the run branch. */
  readonly reset: (commit: string) => Effect.Effect<void, WorkspaceError>
  readonly head: Effect.Effect<string, WorkspaceError>
  /**
   * Keeps a commit reachable as ref `refs/autoresearch/<tag>/<name>`: a node of the search tree
   * that is not on the run branch (best-first). Optional: a workspace without it cannot branch.
   */
  readonly pin?: (name: string, commit: string) => Effect.Effect<void, WorkspaceError>
  readonly diffStat: (from: string, to: string) => Effect.Effect<DiffStat, WorkspaceError>
  readonly diff: (from: string, to: string) => Effect.Effect<string, WorkspaceError>
}

/** The research workspace: a git work tree with a run branch and an allow-list of editable paths. */
export class Workspace extends Context.Tag("@autoresearch/core/Workspace")<Workspace, WorkspaceService>() {}
