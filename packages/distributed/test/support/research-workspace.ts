// A research workspace as `autoresearch init` leaves it, reduced to what the coordinator needs:
// a git repository with a profile, a four-line canvas and program.md, runs/ ignored.
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const git = (cwd: string, ...args: Array<string>) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim()

export const makeResearchWorkspace = (canvas = "const a = 0\nconst b = 0\nconst c = 0\nconst d = 0\n") => {
  const dir = mkdtempSync(join(tmpdir(), "ar-coordinator-"))
  git(dir, "init", "--quiet", "-b", "main")
  git(dir, "config", "user.email", "test@autoresearch.local")
  git(dir, "config", "user.name", "test")
  mkdirSync(join(dir, ".autoresearch"))
  writeFileSync(join(dir, ".autoresearch", "profile.json"), JSON.stringify({ profile: "cpu", source: { kind: "embedded" } }))
  writeFileSync(join(dir, "train.ts"), canvas)
  writeFileSync(join(dir, "program.md"), "make it better\n")
  writeFileSync(join(dir, ".gitignore"), "runs/\n")
  git(dir, "add", "-A")
  git(dir, "commit", "--quiet", "-m", "init")
  return dir
}

