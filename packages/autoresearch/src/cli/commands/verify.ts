import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { Trainer, type TrainSpec } from "@autoresearch/core"
import { loadPrepared, profiles } from "@autoresearch/prepare"
import { TfjsTrainer } from "@autoresearch/trainer-tfjs"
import { Effect } from "effect"
import { readRecords, resolveTag, runDir } from "../../results/records.js"
import { keptChanges, verifyKeeps } from "../../verify/verify-keeps.js"
import { renderVerify, verifyFile, writeVerify } from "../../verify/verify-file.js"
import { requireWorkspace } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { workspaceDir } from "../common-options.js"
import { displayPath } from "../display-path.js"
import { onInterrupt } from "../interrupt.js"
import { statusLine } from "../status-line.js"
import { trainingLine } from "../training-line.js"
import { numberOption, stringOption } from "../values.js"

const git = (dir: string, ...args: Array<string>) => execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim()

export const verifyCommand: Command = {
  name: "verify",
  summary: "re-train every kept commit and its parent with fresh seeds: which keeps reproduce",
  options: {
    dir: { type: "string", short: "C", placeholder: "path", description: "the workspace (default: the current directory)" },
    tag: { type: "string", short: "t", placeholder: "tag", description: "the run to verify (default: the most recent)" },
    repeats: { type: "string", short: "r", placeholder: "n", description: "runs of each commit and its parent (default 3)" },
    budget: { type: "string", short: "b", placeholder: "seconds", description: "training seconds per run (default: the profile's budget)" },
    seed: { type: "string", placeholder: "n", description: "the first seed; repeat r uses seed + r for both sides (default: random)" },
    json: { type: "boolean", description: "print the report as one JSON object" }
  },
  details: [
    "Trains in a separate git worktree (runs/<tag>/verify/tree), so the workspace and a running",
    "loop are untouched. The report is saved to runs/<tag>/verify.json; `results` shows it.",
    "A keep reproduces when its mean gain over its parent beats the one-sided 95 % bar of the",
    "pooled noise; it is a false keep when the kept commit is not better on average.",
    "Exit codes: 0 verified, 2 bad option or unknown run, 3 not a workspace, 130 Ctrl-C."
  ],
  run: async ({ values, io }) => {
    const repeats = numberOption(values, "repeats", "verify", { integer: true, min: 1 }) ?? 3
    const budgetAsked = numberOption(values, "budget", "verify", { positive: true })
    const firstSeed = numberOption(values, "seed", "verify", { integer: true, min: 0 }) ?? 1 + Math.floor(Math.random() * 1e6)
    const workspace = requireWorkspace(workspaceDir(values, io))
    const tag = resolveTag(workspace.dir, stringOption(values, "tag"))
    const records = readRecords(workspace.dir, tag)
    if (keptChanges(records).length === 0) {
      line(io.stdout, values.json === true ? JSON.stringify({ tag, checks: [], reproduced: 0, falseKeeps: 0 }) : `run "${tag}" has no kept change to verify (nothing beyond the baseline)`)
      return ExitCode.ok
    }
    const { profile, source, cacheDir } = workspace.profile
    await loadPrepared({ profile, source, ...(cacheDir !== undefined ? { cacheDir } : {}) })
    const budgetSeconds = budgetAsked ?? profiles[profile].timeBudgetSeconds
    const seeds = Array.from({ length: repeats }, (_, r) => firstSeed + r)

    const verifyDir = join(runDir(workspace.dir, tag), "verify")
    const tree = join(verifyDir, "tree")
    // A worktree left by a killed verify goes first.
    if (existsSync(tree)) {
      try {
        git(workspace.dir, "worktree", "remove", "--force", tree)
      } catch {
        rmSync(tree, { recursive: true, force: true })
      }
    }
    git(workspace.dir, "worktree", "prune")
    mkdirSync(verifyDir, { recursive: true })
    git(workspace.dir, "worktree", "add", "--detach", "-q", tree, "HEAD")

    const status = statusLine(io.stderr)
    const interrupts = onInterrupt(() => status.print("interrupted: stopping verify"))
    const trainer = await Effect.runPromise(Effect.provide(Trainer, TfjsTrainer.layer()))
    let done = 0
    const total = seeds.length * new Set(keptChanges(records).flatMap((keep) => [keep.parent, keep.commit])).size
    status.print(`verify ${tag}: ${total} runs of ${budgetSeconds} s in ${displayPath(io.cwd, tree)}`)
    try {
      const report = await verifyKeeps(tag, records, seeds, budgetSeconds, async (commit, seed) => {
        if (interrupts.interrupt.signal.aborted) return undefined
        git(tree, "checkout", "--detach", "-q", commit)
        done++
        status.print(`run ${done}/${total}: ${commit.slice(0, 7)} seed ${seed}`)
        // The seed reaches the canvas as ctx.seed where the trainer supports it.
        const spec: TrainSpec & { readonly seed: number } = {
          dir: tree,
          budgetSeconds,
          seed,
          logFile: join(verifyDir, `${commit.slice(0, 7)}-seed${seed}.log`),
          onProgress: (progress) => status.update(trainingLine(progress)),
          signal: interrupts.interrupt.signal
        }
        const result = await Effect.runPromise(trainer.run(spec))
        status.done()
        return result._tag === "Success" ? result.metrics.valBpb : undefined
      })
      if (interrupts.interrupt.signal.aborted) return ExitCode.interrupted
      writeVerify(workspace.dir, report)
      if (values.json === true) line(io.stdout, JSON.stringify(report))
      else {
        line(io.stdout, renderVerify(report))
        line(io.stdout, `saved ${displayPath(io.cwd, verifyFile(workspace.dir, tag))}`)
      }
      return ExitCode.ok
    } finally {
      status.done()
      interrupts.dispose()
      try {
        git(workspace.dir, "worktree", "remove", "--force", tree)
      } catch {
        // Left for the next verify to remove.
      }
    }
  }
}
