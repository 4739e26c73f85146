// The parallel flags and the worker command refuse a bad command line with one clear line
// (exit 2), and never print a database password.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { describe, expect, it } from "vitest"
import { cli } from "./cli-helpers.js"

const noDbEnv = () => {
  const env = { ...process.env }
  delete env.AUTORESEARCH_DB
  return env
}

describe("parallel flags", () => {
  const dir = mkdtempSync(`${tmpdir()}/ar-flags-`)
  it.each([
    [["worker", "--remote", "/tmp/r.git"], /^error: no database: pass --db <postgres-url> or set AUTORESEARCH_DB$/],
    [["worker", "--db", "postgres://u:secret@db/x"], /^error: no git remote: pass --remote <git-url>/],
    [["worker", "--db", "mysql://u:secret@db/x", "--remote", "/tmp/r.git"], /^error: --db must be a postgres:\/\/ URL \(got mysql:\/\/u:\*\*\*@db\/x\)$/],
    [["worker", "--db", "postgres://u:secret@db/x", "--remote", "r", "--lease", "0"], /^error: --lease must be greater than 0/],
    [["run", "--parallel", "0"], /^error: --parallel must be greater than 0/],
    [["run", "--db", "postgres://u:secret@db/x"], /^error: --db needs --remote <git-url>/],
    [["run", "--remote", "/tmp/r.git"], /^error: --remote needs --db <postgres-url>/]
  ])("autoresearch %j", async (argv, message) => {
    const result = await cli(argv, dir, noDbEnv())
    expect(result.code).toBe(2)
    const lines = result.stderr.trim().split("\n")
    expect(lines[0]).toMatch(message)
    expect(result.stderr).not.toContain("secret")
  })
})
