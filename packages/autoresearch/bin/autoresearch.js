#!/usr/bin/env node
// The `autoresearch` command: runs the built CLI. Whatever keeps it from starting (an old Node,
// no build, a broken install) is said in one line with its fix, never as a stack trace.
import { existsSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const fail = (message, hint) => {
  process.stderr.write(`error: ${message}\nhint: ${hint}\n`)
  process.exit(1)
}

const sdk = resolve(fileURLToPath(new URL("../../..", import.meta.url)))
const setUp = existsSync(join(sdk, "scripts", "setup.sh")) ? `run \`bash scripts/setup.sh\` in ${sdk}` : "reinstall autoresearch"
const major = Number(process.versions.node.split(".")[0])
if (major < 20) fail(`autoresearch needs Node 20 or newer; this is Node ${process.versions.node}`, "install Node 20, 22 or 24 (e.g. from nodejs.org or with nvm)")

const entry = new URL("../dist/cli/bin.js", import.meta.url)
if (!existsSync(fileURLToPath(entry))) fail("autoresearch is not built yet", setUp)
try {
  await import(entry.href)
} catch (error) {
  // the CLI turns its own errors into lines; what reaches here is a module that did not load
  if (process.env.AUTORESEARCH_DEBUG !== undefined) throw error
  fail(`autoresearch could not start: ${String(error?.message ?? error).split("\n")[0]}`, setUp)
}
