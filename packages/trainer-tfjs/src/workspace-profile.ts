// `.autoresearch/profile.json` in a workspace records which prepared environment its runs use
// (written by `autoresearch init`/`prepare`). This is the one reader of that file: the CLI and
// runResearch (through `autoresearch`) and the trainer all decode it with this Schema. The
// trainer reads it once per session and refuses a run when it changed (see tfjs-trainer.ts).
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Data, ParseResult, Schema } from "effect"
import { DataSourceConfig } from "@autoresearch/prepare"

export const PROFILE_FILE = join(".autoresearch", "profile.json")

/** The Schema of a workspace's `.autoresearch/profile.json`: its data profile, source and cache. */
export const WorkspaceProfile = Schema.Struct({
  /** The fixed constants every run of this workspace is judged by. */
  profile: Schema.Literal("reference", "cpu"),
  /** Where the data comes from (embedded, a local folder, remote shards). */
  source: DataSourceConfig,
  /** Cache root of the prepared data, when not the default (~/.cache/autoresearch). */
  cacheDir: Schema.optional(Schema.String)
})
/** A workspace's profile file, decoded. */
export type WorkspaceProfile = typeof WorkspaceProfile.Type

/** The profile file is missing, not JSON, or not a profile; `message` is one line for a person. */
export class WorkspaceProfileError extends Data.TaggedError("WorkspaceProfileError")<{
  readonly kind: "missing" | "json" | "schema"
  readonly file: string
  readonly message: string
}> {}

/** Reads and decodes `<dir>/.autoresearch/profile.json`; throws WorkspaceProfileError. */
export const readWorkspaceProfile = (dir: string): WorkspaceProfile => {
  const file = join(dir, PROFILE_FILE)
  if (!existsSync(file)) throw new WorkspaceProfileError({ kind: "missing", file, message: `${file} does not exist` })
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, "utf8"))
  } catch (error) {
    throw new WorkspaceProfileError({ kind: "json", file, message: `${file} is not valid JSON (${(error as Error).message})` })
  }
  const decoded = Schema.decodeUnknownEither(WorkspaceProfile)(json)
  if (decoded._tag === "Left") {
    const why = ParseResult.TreeFormatter.formatErrorSync(decoded.left).replace(/\s+/g, " ")
    throw new WorkspaceProfileError({ kind: "schema", file, message: `${file} does not describe a workspace profile: ${why}` })
  }
  return decoded.right
}

/** The profile of a workspace, or undefined when it has none (a bare directory of a test). */
export const readWorkspaceProfileIfAny = (dir: string): WorkspaceProfile | undefined =>
  existsSync(join(dir, PROFILE_FILE)) ? readWorkspaceProfile(dir) : undefined
