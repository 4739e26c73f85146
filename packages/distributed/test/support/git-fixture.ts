// A research workspace and a bare remote on disk, and experiment commits pushed the way the
// coordinator pushes them.
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { canvasHashOf, experimentRef, jobIdOf, type TrainJob } from "../../src/index.js"

export const git = (cwd: string, ...args: Array<string>) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim()

export const makeWorkspace = () => {
  const root = mkdtempSync(join(tmpdir(), "ar-dist-git-"))
  const workspace = join(root, "workspace")
  const remote = join(root, "remote.git")
  mkdirSync(join(workspace, ".autoresearch"), { recursive: true })
  git(root, "init", "--quiet", "--bare", remote)
  git(root, "init", "--quiet", workspace)
  git(workspace, "config", "user.email", "test@autoresearch.local")
  git(workspace, "config", "user.name", "test")
  writeFileSync(join(workspace, "train.ts"), "export const lr = 0\n")
  writeFileSync(join(workspace, ".autoresearch", "profile.json"), JSON.stringify({ profile: "tiny" }))
  git(workspace, "add", "-A")
  git(workspace, "commit", "--quiet", "-m", "baseline")
  return { root, workspace, remote }
}

/** Commits experiment `n` (a changed canvas), pushes it to its ref and returns its job. */
export const commitExperiment = (workspace: string, remote: string, tag: string, n: number): TrainJob => {
  writeFileSync(join(workspace, "train.ts"), `export const lr = ${n}\n`)
  git(workspace, "commit", "--quiet", "-am", `experiment ${n}`)
  const commit = git(workspace, "rev-parse", "HEAD")
  const ref = experimentRef(tag, n)
  git(workspace, "push", "--quiet", "--force", remote, `${commit}:${ref}`)
  return {
    id: jobIdOf(tag, n), tag, experiment: n, commit, ref, canvasFiles: ["train.ts"],
    canvasHash: canvasHashOf([{ path: "train.ts", content: readFileSync(join(workspace, "train.ts"), "utf8") }]),
    profile: "tiny", budgetSeconds: 1
  }
}
