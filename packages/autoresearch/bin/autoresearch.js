#!/usr/bin/env node
// The `autoresearch` command: runs the built CLI (run `pnpm build` once in the SDK).
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const entry = new URL("../dist/cli/bin.js", import.meta.url)
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("error: autoresearch is not built yet\nhint: run `pnpm build` in the SDK's repository first\n")
  process.exit(1)
}
await import(entry.href)
