// The record of the fixed files' hashes for a workspace, `.autoresearch/fixed-files.json`,
// written when the workspace is prepared (or on its first run) and trusted from then on.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { Schema } from "effect"
import { loadPrepared, type PrepareOptions } from "@autoresearch/prepare"
import { fixedCodeFiles, hashFiles, type FixedHashes } from "./fixed-files.js"

const Manifest = Schema.Struct({
  recordedAt: Schema.String,
  files: Schema.Record({ key: Schema.String, value: Schema.String })
})

export const manifestPath = (workspaceDir: string) => join(workspaceDir, ".autoresearch", "fixed-files.json")

/** Hashes prepare's code, the harness's code and the prepared data caches, and records them. */
export const recordFixedFiles = async (workspaceDir: string, prepare: PrepareOptions = {}): Promise<FixedHashes> => {
  const env = await loadPrepared(prepare)
  const files = hashFiles([...fixedCodeFiles(), ...env.fixedFiles])
  const path = manifestPath(workspaceDir)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify({ recordedAt: new Date().toISOString(), files }, null, 2) + "\n")
  return files
}

export const readFixedFiles = (workspaceDir: string): FixedHashes | undefined => {
  const path = manifestPath(workspaceDir)
  if (!existsSync(path)) return undefined
  try {
    return Schema.decodeUnknownSync(Manifest)(JSON.parse(readFileSync(path, "utf8"))).files
  } catch {
    throw new Error(`${path} is damaged: delete it to record the fixed files again`)
  }
}
