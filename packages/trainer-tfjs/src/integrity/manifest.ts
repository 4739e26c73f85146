// The record of the fixed files' hashes for a workspace, written on its first run and trusted
// from then on. It lives outside the workspace, in the cache root
// (`<cache>/fixed-files/<hash of the workspace's real path>.json`), where nothing a canvas or an
// agent edits can reach it.
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { Schema } from "effect"
import { defaultCacheRoot, loadPrepared, type PrepareOptions } from "@autoresearch/prepare"
import { fixedCodeFiles, hashFiles, type FixedHashes } from "./fixed-files.js"

const Manifest = Schema.Struct({
  recordedAt: Schema.String,
  files: Schema.Record({ key: Schema.String, value: Schema.String })
})

export const manifestPath = (workspaceDir: string, cacheRoot = defaultCacheRoot()) => {
  const real = existsSync(workspaceDir) ? realpathSync(workspaceDir) : workspaceDir
  return join(cacheRoot, "fixed-files", `${createHash("sha256").update(real).digest("hex").slice(0, 24)}.json`)
}

/** Hashes prepare's code, the harness's code and the prepared data caches, and records them. */
export const recordFixedFiles = async (workspaceDir: string, prepare: PrepareOptions = {}): Promise<FixedHashes> => {
  const env = await loadPrepared(prepare)
  const files = hashFiles([...fixedCodeFiles(), ...env.fixedFiles])
  const path = manifestPath(workspaceDir, prepare.cacheDir)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify({ recordedAt: new Date().toISOString(), files }, null, 2) + "\n")
  return files
}

export const readFixedFiles = (workspaceDir: string, cacheRoot?: string): FixedHashes | undefined => {
  const path = manifestPath(workspaceDir, cacheRoot)
  if (!existsSync(path)) return undefined
  try {
    return Schema.decodeUnknownSync(Manifest)(JSON.parse(readFileSync(path, "utf8"))).files
  } catch {
    throw new Error(`${path} is damaged: delete it to record the fixed files again`)
  }
}
