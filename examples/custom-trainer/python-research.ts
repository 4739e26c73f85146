// Research on a Python canvas: CommandTrainer runs `python3 train.py` in the workspace (its
// own process group, killed at the deadline) and reads the summary block it prints; the git
// workspace lets the agent edit train.py only.
import { execFileSync } from "node:child_process"
import { copyFileSync, existsSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { CommandTrainer, GitWorkspace, runResearch, type ResearchOptions, type Summary } from "autoresearch"
import { NudgeAgent } from "./nudge-agent.js"

const canvas = fileURLToPath(new URL("./canvas/", import.meta.url))

/** A git repository holding train.py and program.md (skipped when it exists). */
export const createPythonWorkspace = (dir: string): string => {
  if (existsSync(join(dir, "train.py"))) return dir
  mkdirSync(dir, { recursive: true })
  for (const file of ["train.py", "program.md"]) copyFileSync(join(canvas, file), join(dir, file))
  const git = (...args: Array<string>) => execFileSync("git", ["-c", "user.name=autoresearch", "-c", "user.email=autoresearch@localhost", ...args], { cwd: dir })
  git("init", "-q")
  git("add", "train.py", "program.md")
  git("commit", "-q", "-m", "python canvas")
  return dir
}

export const pythonResearch = (dir: string, options: Partial<ResearchOptions> = {}): Promise<Summary> =>
  runResearch({
    dir,
    tag: "python",
    budgetSeconds: 5,
    maxExperiments: 6,
    agent: NudgeAgent.layer(),
    trainer: CommandTrainer.layer({ command: "python3", args: ["train.py"] }),
    workspace: GitWorkspace.layer({ dir, editable: ["train.py"] }),
    ...options
  })
