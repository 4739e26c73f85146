import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { checkRunReport, Trainer } from "@autoresearch/core"
import { loadPrepared, profiles } from "@autoresearch/prepare"
import { formatSummary, TfjsTrainer } from "@autoresearch/trainer-tfjs"
import { Effect } from "effect"
import { checkProfile, requireWorkspace } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { workspaceDir } from "../common-options.js"
import { displayPath } from "../display-path.js"
import { onInterrupt } from "../interrupt.js"
import { statusLine } from "../status-line.js"
import { trainingLine } from "../training-line.js"
import { choiceOption, numberOption } from "../values.js"

const stamp = () => new Date().toISOString().replace(/[:.]/g, "-")

export const trainCommand: Command = {
  name: "train",
  summary: "train the current canvas once for the time budget and print its summary block",
  options: {
    dir: { type: "string", short: "C", placeholder: "path", description: "the workspace (default: the current directory)" },
    budget: { type: "string", short: "b", placeholder: "seconds", description: "training seconds (default: the profile's budget)" },
    seed: { type: "string", placeholder: "n", description: "seed of the canvas's random draws (ctx.seed, default 42)" },
    profile: { type: "string", placeholder: "cpu|reference", description: "must match the workspace's profile (a guard for scripts)" },
    json: { type: "boolean", description: "print the run's report (metrics or crash) as one JSON object" }
  },
  details: [
    "The run's log goes to runs/train/<time>.log. Exit codes: 0 trained, 1 the run crashed,",
    "2 bad option, 3 workspace not ready (missing, other profile, no data prepared), 130 Ctrl-C."
  ],
  run: async ({ values, io }) => {
    const budgetAsked = numberOption(values, "budget", "train", { positive: true })
    const seed = numberOption(values, "seed", "train", { integer: true })
    const profileAsked = choiceOption(values, "profile", ["cpu", "reference"], "train")
    const workspace = requireWorkspace(workspaceDir(values, io))
    checkProfile(workspace, profileAsked)
    const { profile, source, cacheDir } = workspace.profile
    await loadPrepared({ profile, source, ...(cacheDir !== undefined ? { cacheDir } : {}) })
    const budgetSeconds = budgetAsked ?? profiles[profile].timeBudgetSeconds
    const logDir = join(workspace.dir, "runs", "train")
    mkdirSync(logDir, { recursive: true })
    const logFile = join(logDir, `${stamp()}.log`)
    const status = statusLine(io.stderr)
    status.print(`training ${displayPath(io.cwd, join(workspace.dir, "train.ts"))} for ${budgetSeconds} s (profile ${profile}); log ${displayPath(io.cwd, logFile)}`)
    const interrupts = onInterrupt(() => status.print("interrupted: stopping the run"))
    const report = await Effect.runPromise(
      Effect.flatMap(Trainer, (trainer) =>
        trainer.run({
          dir: workspace.dir,
          budgetSeconds,
          ...(seed !== undefined ? { seed } : {}),
          logFile,
          onProgress: (progress) => status.update(trainingLine(progress)),
          signal: interrupts.interrupt.signal
        })
      ).pipe(Effect.map(checkRunReport), Effect.provide(TfjsTrainer.layer()))
    ).finally(() => {
      status.done()
      interrupts.dispose()
    })
    if (values.json === true) line(io.stdout, JSON.stringify(report))
    else if (report._tag === "Success") line(io.stdout, formatSummary(report.metrics))
    else {
      line(io.stdout, `FAIL: the run crashed (${report.reason}): ${report.message}`)
      if (report.logTail.trim() !== "") line(io.stdout, report.logTail.trimEnd().split("\n").slice(-15).map((text) => `  | ${text}`).join("\n"))
      line(io.stdout, `full log: ${logFile}`)
    }
    if (interrupts.interrupt.signal.aborted) return ExitCode.interrupted
    return report._tag === "Success" ? ExitCode.ok : ExitCode.failure
  }
}
