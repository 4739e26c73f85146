// A real git repository in a temp dir, shaped like an autoresearch workspace.
import { execFileSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export const git = (dir: string, ...args: Array<string>) =>
  execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim()

export const CANVAS = ["// the canvas", "const depth = 4", "const lr = 0.01", "// bpb: 1.000000", ""].join("\n")

/** A repo on `main` with train.ts, program.md, notes.txt and runs/ ignored; returns its dir. */
export const makeRepo = (canvas = CANVAS): string => {
  const dir = mkdtempSync(join(tmpdir(), "ar-ws-"))
  git(dir, "init", "-q", "-b", "main")
  git(dir, "config", "user.email", "test@example.com")
  git(dir, "config", "user.name", "test")
  writeFileSync(join(dir, "train.ts"), canvas)
  writeFileSync(join(dir, "program.md"), "make val_bpb go down\n")
  writeFileSync(join(dir, "notes.txt"), "notes\n")
  writeFileSync(join(dir, ".gitignore"), "runs/\n")
  git(dir, "add", ".")
  git(dir, "commit", "-q", "-m", "init")
  return dir
}
