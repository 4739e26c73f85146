// A research workspace on disk: train.ts (the canvas), program.md, and
// .autoresearch/profile.json, which fixes the profile and data source for every run in it
// (the trainer's harness reads the same file). The file is Schema-decoded when read.
import { existsSync, statSync } from "node:fs"
import { join } from "node:path"
import { readWorkspaceProfile as readProfile, WorkspaceProfile, WorkspaceProfileError } from "@autoresearch/trainer-tfjs"
import { Schema } from "effect"
import { UserError } from "../user-error.js"

export { PROFILE_FILE } from "@autoresearch/trainer-tfjs"
import { PROFILE_FILE } from "@autoresearch/trainer-tfjs"
export const CANVAS_FILE = "train.ts"
export const PROGRAM_FILE = "program.md"

export const ProfileName = Schema.Literal("reference", "cpu")
export type ProfileName = typeof ProfileName.Type

// The one Schema and reader of the profile file live in the trainer, which reads it too.
export { WorkspaceProfile }

/** A workspace made by `autoresearch init`: its directory and profile. */
export interface ResearchWorkspace {
  readonly dir: string
  readonly profile: WorkspaceProfile
}

const notAWorkspace = (dir: string, why: string) =>
  new UserError(`${dir} is not an autoresearch workspace (${why})`, "create one with `autoresearch init <dir>`, or pass --dir <workspace>", 3)

/** Reads and decodes `<dir>/.autoresearch/profile.json` (a UserError when it cannot). */
export const readWorkspaceProfile = (dir: string): WorkspaceProfile => {
  try {
    return readProfile(dir)
  } catch (error) {
    if (!(error instanceof WorkspaceProfileError)) throw error
    const hint = error.kind === "schema" ? 'expected e.g. {"profile":"cpu","source":{"kind":"embedded"}}' : "fix it, or run `autoresearch init` in a fresh directory"
    throw new UserError(error.message, hint, 3)
  }
}

/** The workspace at `dir`, or one clear error saying why it is not one. */
export const requireWorkspace = (dir: string): ResearchWorkspace => {
  if (!existsSync(dir)) throw notAWorkspace(dir, "it does not exist")
  if (!statSync(dir).isDirectory()) throw notAWorkspace(dir, "it is not a directory")
  if (!existsSync(join(dir, PROFILE_FILE))) throw notAWorkspace(dir, `no ${PROFILE_FILE}`)
  return { dir, profile: readWorkspaceProfile(dir) }
}

/** Refuses a command that names a profile other than the workspace's. */
export const checkProfile = (workspace: ResearchWorkspace, asked: ProfileName | undefined) => {
  if (asked !== undefined && asked !== workspace.profile.profile) {
    throw new UserError(
      `this workspace uses the ${workspace.profile.profile} profile, not ${asked}: runs in one workspace are judged by one fixed environment`,
      `drop --profile, or create a workspace for ${asked} with \`autoresearch init <dir> --profile ${asked}\``,
      3
    )
  }
}
