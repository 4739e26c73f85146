// A research workspace on disk: train.ts (the canvas), program.md, and
// .autoresearch/profile.json, which fixes the profile and data source for every run in it
// (the trainer's harness reads the same file). The file is Schema-decoded when read.
import { existsSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { DataSourceConfig } from "@autoresearch/prepare"
import { ParseResult, Schema } from "effect"
import { UserError } from "../user-error.js"

export const PROFILE_FILE = join(".autoresearch", "profile.json")
export const CANVAS_FILE = "train.ts"
export const PROGRAM_FILE = "program.md"

export const ProfileName = Schema.Literal("reference", "cpu")
export type ProfileName = typeof ProfileName.Type

export const WorkspaceProfile = Schema.Struct({
  /** The fixed constants every run of this workspace is judged by. */
  profile: ProfileName,
  /** Where the data comes from (embedded, a local folder, remote shards). */
  source: DataSourceConfig,
  /** Cache root of the prepared data, when not the default (~/.cache/autoresearch). */
  cacheDir: Schema.optional(Schema.String)
})
export type WorkspaceProfile = typeof WorkspaceProfile.Type

export interface ResearchWorkspace {
  readonly dir: string
  readonly profile: WorkspaceProfile
}

const notAWorkspace = (dir: string, why: string) =>
  new UserError(`${dir} is not an autoresearch workspace (${why})`, "create one with `autoresearch init <dir>`, or pass --dir <workspace>", 3)

/** Reads and decodes `<dir>/.autoresearch/profile.json`. */
export const readWorkspaceProfile = (dir: string): WorkspaceProfile => {
  const file = join(dir, PROFILE_FILE)
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, "utf8"))
  } catch (error) {
    throw new UserError(`${file} is not valid JSON (${(error as Error).message})`, "fix it, or run `autoresearch init` in a fresh directory", 3)
  }
  const decoded = Schema.decodeUnknownEither(WorkspaceProfile)(json)
  if (decoded._tag === "Left") {
    const why = ParseResult.TreeFormatter.formatErrorSync(decoded.left).replace(/\s+/g, " ")
    throw new UserError(`${file} does not describe a workspace profile: ${why}`, 'expected e.g. {"profile":"cpu","source":{"kind":"embedded"}}', 3)
  }
  return decoded.right
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
