// `.autoresearch/profile.json` in a workspace records which prepared environment its runs use
// (written by `autoresearch init`/`prepare`; the CLI owns the file). Read leniently: only the
// fields the trainer needs, each optional.
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Schema } from "effect"

const WorkspaceProfile = Schema.Struct({
  profile: Schema.optional(Schema.String),
  source: Schema.optional(Schema.Unknown),
  cacheDir: Schema.optional(Schema.String)
})
export type WorkspaceProfile = typeof WorkspaceProfile.Type

export const readWorkspaceProfile = (dir: string): WorkspaceProfile => {
  const file = join(dir, ".autoresearch", "profile.json")
  if (!existsSync(file)) return {}
  try {
    return Schema.decodeUnknownSync(WorkspaceProfile)(JSON.parse(readFileSync(file, "utf8")), { onExcessProperty: "ignore" })
  } catch (error) {
    throw new Error(`${file} is not a valid profile record: ${(error as Error).message.split("\n")[0]}`)
  }
}
