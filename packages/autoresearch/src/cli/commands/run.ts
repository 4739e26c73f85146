import type { ExperimentRecord, ResearchEvent } from "@autoresearch/core"
import { agentChoices, efforts, openaiApis, thinkingModes } from "../../agent-selection.js"
import { startDashboard } from "../../dashboard/server.js"
import { summarize } from "../../results/summary.js"
import { renderTotals, streamHeader, streamRow } from "../../results/table.js"
import { resolveResearch, runResearch, type ResearchOptions } from "../../run-research.js"
import { parallelOptions } from "./run-parallel-options.js"
import { runParallelResearch } from "../../run-parallel.js"
import { checkProfile, requireWorkspace } from "../../workspace/workspace.js"
import { ExitCode, line, type Command } from "../command.js"
import { workspaceDir } from "../common-options.js"
import { onInterrupt } from "../interrupt.js"
import { statusLine } from "../status-line.js"
import { trainingLine } from "../training-line.js"
import { choiceOption, numberOption, stringOption } from "../values.js"

const strategies = ["greedy", "best-first", "islands"] as const

export const runCommand: Command = {
  name: "run",
  summary: "run the research loop: baseline, then propose → train → keep or revert, until a limit",
  options: {
    dir: { type: "string", short: "C", placeholder: "path", description: "the workspace (default: the current directory)" },
    agent: { type: "string", short: "a", placeholder: agentChoices.join("|"), description: "the researcher (default: claude with ANTHROPIC_API_KEY, openai with OPENAI_API_KEY/OPENAI_BASE_URL, else search)" },
    model: { type: "string", short: "m", placeholder: "name", description: "the LLM agent's model (default claude-sonnet-5-5, gpt-5.6-terra)" },
    "openai-api": { type: "string", placeholder: openaiApis.join("|"), description: "the OpenAI wire format (default: responses for OpenAI, chat with OPENAI_BASE_URL)" },
    effort: { type: "string", placeholder: "low|medium|high|xhigh|max", description: "the LLM's effort (Claude's effort, OpenAI's reasoning effort; default the model's)" },
    thinking: { type: "string", placeholder: thinkingModes.join("|"), description: "Claude's thinking (default the model's: Claude 5.x thinks)" },
    tag: { type: "string", short: "t", placeholder: "tag", description: "names the run: branch autoresearch/<tag>, folder runs/<tag>; the same tag resumes (default: today, e.g. nov27)" },
    experiments: { type: "string", short: "n", placeholder: "n", description: "stop after n experiments of this invocation (a resume of the same --tag runs n more)" },
    hours: { type: "string", placeholder: "h", description: "stop starting experiments after this many hours" },
    "max-cost": { type: "string", placeholder: "dollars", description: "stop once the agent has spent this much" },
    budget: { type: "string", short: "b", placeholder: "seconds", description: "training seconds per experiment (default: the profile's)" },
    "min-delta": { type: "string", placeholder: "bpb", description: "keep only changes better than the best by more than this (default 0)" },
    "noise-repeats": { type: "string", placeholder: "k", description: "extra baseline runs that measure the noise floor (default 2; 0 disables)" },
    seed: { type: "string", placeholder: "n", description: "seed of every training run's random draws (default 42)" },
    patience: { type: "string", placeholder: "n", description: "stop after n experiments in a row without a keep" },
    strategy: { type: "string", placeholder: strategies.join("|"), description: "where each experiment starts: greedy from the best (default), best-first from one of the top kept nodes, islands from its island's best (with --parallel: each experiment in flight picks its own)" },
    confirmations: { type: "string", placeholder: "n", description: "paired re-runs (candidate and best, same seed) a gain within a few σ needs before it is kept (default 3; 0: one run decides)" },
    profile: { type: "string", placeholder: "cpu|reference", description: "must match the workspace's profile (a guard for scripts)" },
    dashboard: { type: "boolean", description: "also serve the live dashboard (see `autoresearch dashboard`)" },
    port: { type: "string", short: "p", placeholder: "n", description: "the dashboard's port (default 8321; 0 picks a free one)" },
    json: { type: "boolean", description: "print the run's summary as one JSON object at the end" },
    parallel: { type: "string", placeholder: "n", description: "train n experiments at once: n workers in this process, or with --db n jobs in flight for `autoresearch worker`s" },
    db: { type: "string", placeholder: "postgres-url", description: "coordinate workers on other machines through this database (default: $AUTORESEARCH_DB when --remote is given)" },
    remote: { type: "string", placeholder: "git-url", description: "with --db: the git remote experiment commits are pushed to for the workers" }
  },
  details: [
    "Ctrl-C once: finish the running experiment, record it and stop with the workspace at the best",
    "commit; twice: kill the running training at once (unrecorded). The same --tag resumes the run.",
    "Exit codes: 0 stopped at a limit, 2 bad option, 3 workspace not ready, 130 interrupted."
  ],
  run: async ({ values, io }) => {
    const cmd = "run"
    const options: ResearchOptions = {
      dir: workspaceDir(values, io),
      env: io.env,
      ...defined("agent", choiceOption(values, "agent", agentChoices, cmd)),
      ...defined("model", stringOption(values, "model")),
      ...defined("openaiApi", choiceOption(values, "openai-api", openaiApis, cmd)),
      ...defined("effort", choiceOption(values, "effort", efforts, cmd)),
      ...defined("thinking", choiceOption(values, "thinking", thinkingModes, cmd)),
      ...defined("tag", stringOption(values, "tag")),
      ...defined("maxExperiments", numberOption(values, "experiments", cmd, { integer: true, positive: true })),
      ...defined("maxHours", numberOption(values, "hours", cmd, { positive: true })),
      ...defined("maxCostUsd", numberOption(values, "max-cost", cmd, { min: 0 })),
      ...defined("budgetSeconds", numberOption(values, "budget", cmd, { positive: true })),
      ...defined("minDelta", numberOption(values, "min-delta", cmd, { min: 0 })),
      ...defined("noiseRepeats", numberOption(values, "noise-repeats", cmd, { integer: true, min: 0 })),
      ...defined("strategy", choiceOption(values, "strategy", strategies, cmd)),
      ...defined("maxConfirmations", numberOption(values, "confirmations", cmd, { integer: true, min: 0 })),
      ...defined("maxWithoutImprovement", numberOption(values, "patience", cmd, { integer: true, positive: true })),
      ...defined("seed", numberOption(values, "seed", cmd, { integer: true }))
    }
    const parallel = parallelOptions(values, io.env)
    const port = numberOption(values, "port", cmd, { integer: true, min: 0 }) ?? 8321
    const profileAsked = choiceOption(values, "profile", ["cpu", "reference"], cmd)
    const workspace = requireWorkspace(options.dir!)
    checkProfile(workspace, profileAsked)
    const resolved = resolveResearch(options)

    const err = statusLine(io.stderr)
    const color = io.stderr.isTTY === true && io.env.NO_COLOR === undefined
    const records: Array<ExperimentRecord> = []
    let current = ""
    const onEvent = (event: ResearchEvent) => {
      switch (event._tag) {
        case "LoopStarted":
          err.print(
            `run ${resolved.tag} in ${resolved.dir} · agent ${resolved.agent} · ${resolved.budgetSeconds} s per experiment · profile ${workspace.profile.profile}` +
              (options.maxExperiments !== undefined ? ` · up to ${options.maxExperiments} experiments` : "")
          )
          if (event.resumedAfter > 0) err.print(`resuming run ${event.tag} after ${event.resumedAfter} experiments (best ${event.bestBpb?.toFixed(6) ?? "-"} at ${event.bestCommit.slice(0, 7)})`)
          err.print(streamHeader())
          return
        case "Notice":
          err.print(`  note: ${event.message}`)
          return
        case "ExperimentStarted":
          current = event.baseline ? `#${event.id} baseline` : `#${event.id} (the agent is thinking…)`
          err.update(current)
          return
        case "ProposalReady":
          current = `#${event.id} ${event.description}`
          err.update(current)
          return
        case "TrainingProgress":
          err.update(`${current} · ${trainingLine(event)}`)
          return
        case "ExperimentFinished": {
          records.push(event.record)
          const summary = summarize(event.record.tag, records)
          err.done() // the finished experiment's live line is replaced by its row
          err.print(streamRow(summary.rows[summary.rows.length - 1]!, { color }))
          return
        }
        case "LoopStopped":
          err.done()
          return
      }
    }

    const dashboard = values.dashboard === true ? await startDashboard({ workspace: resolved.dir, tag: resolved.tag, port }) : undefined
    if (dashboard !== undefined) err.print(`dashboard: ${dashboard.url}`)
    const interrupts = onInterrupt((stage) =>
      err.print(stage === "stopping" ? "interrupted: finishing the running experiment, then stopping at the best commit (Ctrl-C again to kill it now)" : "killing the running experiment now")
    )
    try {
      const summary =
        parallel !== undefined
          ? await runParallelResearch({ ...options, ...parallel, tag: resolved.tag, onEvent, signal: interrupts.interrupt.signal, killSignal: interrupts.interrupt.killSignal })
          : await runResearch({ ...options, tag: resolved.tag, onEvent, signal: interrupts.interrupt.signal, killSignal: interrupts.interrupt.killSignal })
      err.done()
      if (values.json === true) line(io.stdout, JSON.stringify(summary))
      else {
        const { readRecords } = await import("../../results/records.js")
        line(io.stdout, "")
        for (const text of renderTotals(summarize(summary.tag, readRecords(resolved.dir, summary.tag)))) line(io.stdout, text)
        line(io.stdout, `stopped: ${summary.stopReason}`)
        line(io.stdout, `next: autoresearch results · autoresearch report${resolved.tag !== undefined ? ` --tag ${summary.tag}` : ""}`)
      }
      return interrupts.interrupt.signal.aborted ? ExitCode.interrupted : ExitCode.ok
    } finally {
      err.done()
      interrupts.dispose()
      await dashboard?.close()
    }
  }
}

/** `{ [key]: value }` when value is defined, else `{}` (options must not carry undefined). */
const defined = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
