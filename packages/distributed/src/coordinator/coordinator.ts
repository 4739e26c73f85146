// The coordinator of parallel research: the only process that asks the agent and decides
// keep or discard. It keeps `parallel` training jobs in flight (each a commit built on the
// best of its time, pushed where the workers fetch it), records each result as it comes,
// and moves the best. A change that beats the best but was built on an older best is
// re-applied onto the current best and trained again before it is kept; if its edits no
// longer apply it is a discard that says so. Everything it needs to go on after a kill -9
// lives in the Store, the ledger and git.
import { join } from "node:path"
import { mkdirSync, writeFileSync } from "node:fs"
import {
  Agent, costTotal, decide, diffStatOf, type ExperimentRecord, islandBase, isNewBest, lineageOf, nonBlankLines, type ProposalContext, type ResearchEvent, type RunReport, Store,
  Proposal, summarizeRun, type Summary, Workspace
} from "@autoresearch/core"
import { applyEditsInMemory, normaliseRelative } from "@autoresearch/git"
import { Cause, Duration, Effect, Either, Option, Schema } from "effect"
import { dispatch } from "../dispatcher.js"
import { pushBest, pushCommit, experimentRef, readProfileName } from "../git-remote.js"
import { canvasHashOf, jobIdOf, type JobResult, type TrainJob } from "../job.js"
import { JobLedger } from "../ledger.js"
import { BestCommit } from "../pg-store.js"
import { commitFiles, diffBetween, gitIn, readAt } from "./commits.js"

export interface ParallelResearchOptions {
  /** The workspace (a git work tree prepared by `autoresearch init`). */
  readonly dir: string
  readonly tag: string
  readonly budgetSeconds: number
  /** Training jobs kept in flight. */
  readonly parallel: number
  /** The canvas: the files the agent may edit. */
  readonly editable: ReadonlyArray<string>
  readonly programFile?: string
  /** Where workers fetch commits from; undefined: they fetch from the workspace itself (one machine). */
  readonly remote?: string
  readonly maxExperiments?: number
  readonly maxDurationSeconds?: number
  readonly maxCostUsd?: number
  readonly minDelta?: number
  /** Failed experiments in a row (crash, invalid, agent error) that stop the run (default 10). */
  readonly maxConsecutiveFailures?: number
  /** Aborting stops proposing; the jobs in flight finish and are recorded. */
  readonly signal?: AbortSignal
  readonly onEvent?: (event: ResearchEvent) => void
  /** How often results are looked for (default 0.5 s). */
  readonly pollSeconds?: number
  /** `islands`: one greedy line per job in flight, each from its own best (core's strategy/islands). Default greedy. */
  readonly strategy?: "greedy" | "islands"
}

const crashOf = (report: RunReport) => (report._tag === "Crash" ? { reason: report.reason, message: report.message, logTail: report.logTail } : undefined)

export const runParallelResearch = (options: ParallelResearchOptions) =>
  Effect.gen(function* () {
    const agent = yield* Agent
    const store = yield* Store
    const workspace = yield* Workspace
    const bestCommitCas = yield* Effect.serviceOption(BestCommit)
    const publish = (event: ResearchEvent) => Effect.sync(() => options.onEvent?.(event))
    const notice = (message: string) => publish({ _tag: "Notice", message })

    /**
     * One question to the agent. Whatever it does (fails, dies, answers something that is not
     * a Proposal) is this experiment's failure, never the run's.
     */
    const askAgent = (context: ProposalContext) =>
      Effect.suspend(() => agent.propose(context)).pipe(
        Effect.flatMap((input) => Schema.decodeUnknown(Proposal)(input)),
        Effect.timed,
        Effect.map(Either.right),
        Effect.catchAllCause((cause) => {
          if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
          const failure = Cause.failureOption(cause)
          const error = failure._tag === "Some" ? failure.value : Cause.squash(cause)
          const message = error instanceof Error || (typeof error === "object" && error !== null && "message" in error) ? String((error as { message: unknown }).message) : String(error)
          const costUsd = failure._tag === "Some" && "costUsd" in failure.value && (typeof failure.value.costUsd === "number" || failure.value.costUsd === null) ? failure.value.costUsd : 0
          return Effect.succeed(Either.left({ message, costUsd }))
        })
      )

    const opened = yield* store.open
    for (const repair of opened.repaired) yield* notice(`store repaired: ${repair}`)
    const records: Array<ExperimentRecord> = [...opened.records]
    const head = yield* workspace.prepare(options.tag)
    const runDir = store.dir ?? join(options.dir, "runs", options.tag)
    mkdirSync(join(runDir, "logs"), { recursive: true })
    const remote = options.remote
    const profile = readProfileName(options.dir)
    const programText = yield* workspace.read(options.programFile ?? "program.md").pipe(Effect.orElseSucceed(() => ""))
    const resumedAfter = records.length

    let best = records.findLast((r) => isNewBest(r) && r.metrics !== undefined)
    // The strategy's hook: the kept experiment a new experiment `id` builds on and is judged against.
    const islands = options.strategy === "islands" ? { islands: options.parallel } : undefined
    const baseOf = (id: number): ExperimentRecord => (islands !== undefined ? islandBase(records, id, islands) ?? best! : best!)
    const bestCommit = () => best?.commit ?? head
    if (records.length > 0) yield* workspace.reset(bestCommit())
    yield* publish({ _tag: "LoopStarted", tag: options.tag, resumedAfter, bestCommit: bestCommit(), bestBpb: best?.metrics?.valBpb })

    const started = Date.now()
    const totalCost = () => costTotal(records).knownUsd
    const maxFailures = options.maxConsecutiveFailures ?? 10
    const consecutiveFailures = () => {
      let n = 0
      for (let i = records.length - 1; i >= resumedAfter && ["crash", "invalid", "agent_error"].includes(records[i]!.status); i--) n++
      return n
    }
    let stopReason: string | undefined
    const shouldStop = (inFlight: number): string | undefined => {
      if (options.signal?.aborted === true) return "interrupted"
      if (options.maxExperiments !== undefined && records.length - resumedAfter + inFlight >= options.maxExperiments) return `reached maxExperiments (${options.maxExperiments})`
      if (options.maxDurationSeconds !== undefined && (Date.now() - started) / 1000 >= options.maxDurationSeconds) return `reached maxDurationSeconds (${options.maxDurationSeconds})`
      if (options.maxCostUsd !== undefined && totalCost() >= options.maxCostUsd) return `reached maxCostUsd ($${options.maxCostUsd})`
      const baseline = records.find((r) => r.baseline)
      if (baseline !== undefined && baseline.status !== "keep") return `the unchanged baseline failed (${baseline.decisionReason})`
      if (consecutiveFailures() >= maxFailures) return `${maxFailures} experiments failed in a row; stopping rather than burning the budget`
      return undefined
    }
    // Numbers continue after everything recorded or offered (a restart must not reuse one).
    const offered = yield* (yield* JobLedger).offered(options.tag)
    let lastId = Math.max(0, ...records.map((r) => r.id), ...offered.map((j) => j.experiment))

    const canvasAt = (commit: string) =>
      Effect.forEach(options.editable, (path) => Effect.map(readAt(options.dir, commit, path), (content) => ({ path, content })))

    /** Builds, publishes and describes the job that trains `files` on top of `parent`. */
    const makeJob = (id: number, round: number, parent: string, files: ReadonlyArray<{ path: string; content: string }>, message: string, proposal: TrainJob["proposal"]) =>
      Effect.gen(function* () {
        const ref = experimentRef(options.tag, id, round)
        // The baseline trains the head as it is; every other job is a new commit on its parent.
        const commit =
          proposal === undefined
            ? yield* Effect.as(gitIn(options.dir, ["update-ref", ref, parent]), parent)
            : yield* commitFiles(options.dir, parent, new Map(files.map((f) => [f.path, f.content])), message, ref)
        // Workers fetch the ref: from the remote, or (one machine) straight from the workspace.
        if (remote !== undefined) yield* pushCommit(options.dir, remote, commit, ref)
        const job: TrainJob = {
          id: jobIdOf(options.tag, id, round), tag: options.tag, experiment: id, commit, ref,
          canvasFiles: [...options.editable], canvasHash: canvasHashOf(files), budgetSeconds: options.budgetSeconds,
          ...(profile !== undefined ? { profile } : {}),
          ...(proposal !== undefined ? { proposal } : {})
        }
        return job
      })

    const record = (record: ExperimentRecord) =>
      Effect.gen(function* () {
        yield* store.append(record)
        records.push(record)
        if (isNewBest(record)) {
          const previous = best?.commit
          best = record
          if (Option.isSome(bestCommitCas)) {
            const moved = yield* bestCommitCas.value.compareAndSet(options.tag, previous, record.commit)
            if (!moved) yield* notice(`the best commit of ${options.tag} moved under this coordinator; keeping ${record.commit.slice(0, 7)} anyway (is another coordinator running?)`)
          }
          yield* workspace.reset(record.commit)
          if (remote !== undefined) yield* pushBest(options.dir, remote, options.tag, record.commit).pipe(Effect.catchAll((e) => notice(`could not push the best to the remote: ${e.message}`)))
        }
        yield* publish({ _tag: "ExperimentFinished", record })
      })

    const baseRecord = (id: number, startedAt: string) => ({
      id, tag: options.tag, startedAt, finishedAt: new Date().toISOString(), repairs: 0
    })

    /** Asks the agent for the next change; edits that do not apply or an agent failure are recorded at once. */
    const next = (inFlight: ReadonlyArray<TrainJob>): Effect.Effect<TrainJob | "later" | undefined, unknown> =>
      Effect.gen(function* () {
        for (;;) {
          stopReason = shouldStop(inFlight.length)
          if (stopReason !== undefined) return undefined
          if (best === undefined) {
            // The baseline first, alone: every proposal needs a best to build on.
            if (inFlight.length > 0 || records.some((r) => r.baseline)) return "later"
            const id = ++lastId
            yield* publish({ _tag: "ExperimentStarted", id, baseline: true, parent: head })
            const files = yield* canvasAt(head)
            const job = yield* makeJob(id, 0, head, files, "baseline", undefined)
            return job
          }
          const id = ++lastId
          const parent = baseOf(id).commit
          const startedAt = new Date().toISOString()
          yield* publish({ _tag: "ExperimentStarted", id, baseline: false, parent })
          const files = yield* canvasAt(parent)
          const running = inFlight.filter((j) => j.proposal !== undefined).map((j) => `- #${j.experiment}: ${j.proposal!.description}`)
          const context: ProposalContext = {
            // The experiments still training, so the agent does not propose them again.
            program: running.length === 0 ? programText : `${programText}\n\n## Experiments training right now (do not propose these again)\n${running.join("\n")}\n`,
            files,
            history: islands !== undefined ? lineageOf(records, parent) : [...records],
            remaining: {
              ...(options.maxExperiments !== undefined ? { experiments: options.maxExperiments - (records.length - resumedAfter) - inFlight.length } : {}),
              ...(options.maxDurationSeconds !== undefined ? { seconds: options.maxDurationSeconds - (Date.now() - started) / 1000 } : {}),
              ...(options.maxCostUsd !== undefined ? { costUsd: options.maxCostUsd - totalCost() } : {})
            },
            experimentId: id,
            transcriptDir: join(runDir, "transcripts")
          }
          const proposed = yield* askAgent(context)
          if (proposed._tag === "Left") {
            yield* record({
              ...baseRecord(id, startedAt), baseline: false, description: "(no proposal)", status: "agent_error",
              decisionReason: `agent failed: ${proposed.left.message}`, parent, commit: parent,
              durations: { agentMs: 0, trainMs: 0, totalMs: Date.now() - Date.parse(startedAt) }, costUsd: proposed.left.costUsd
            })
            continue
          }
          const [took, proposal] = proposed.right
          const applied = applyEdits(files, proposal.edits, options.editable)
          if (typeof applied === "string") {
            yield* record({
              ...baseRecord(id, startedAt), baseline: false, description: proposal.description, status: "invalid",
              decisionReason: `edits did not apply: ${applied}`, parent, commit: parent,
              durations: { agentMs: Duration.toMillis(took), trainMs: 0, totalMs: Date.now() - Date.parse(startedAt) }, costUsd: proposal.costUsd,
              ...(proposal.transcript !== undefined ? { transcript: proposal.transcript } : {})
            })
            continue
          }
          const job = yield* makeJob(id, 0, parent, applied, `${proposal.description}\n\nautoresearch experiment ${id} (${options.tag})`, {
            description: proposal.description, parent, edits: proposal.edits, canvasLines: applied.reduce((n, f) => n + nonBlankLines(f.content), 0),
            costUsd: proposal.costUsd, agentMs: Duration.toMillis(took), proposedAt: startedAt,
            ...(proposal.transcript !== undefined ? { transcript: proposal.transcript } : {})
          })
          const diff = yield* diffBetween(options.dir, parent, job.commit, options.editable)
          yield* publish({ _tag: "ProposalReady", id, description: proposal.description, diff })
          return job
        }
      })

    const onResult = (result: JobResult, job: TrainJob): Effect.Effect<TrainJob | void, unknown> =>
      Effect.gen(function* () {
        const report = result.report._tag === "Success" && !Number.isFinite(result.report.metrics.valBpb)
          ? ({ _tag: "Crash", reason: "nan", message: `val_bpb is ${result.report.metrics.valBpb}`, logTail: "" } as const)
          : result.report
        writeFileSync(join(runDir, "logs", `${job.experiment}.log`), `# the last lines of the run's log, from worker ${result.worker} (claim ${result.claims})\n${result.logTail}\n`)
        const trainMs = Date.parse(result.finishedAt) - Date.parse(result.startedAt)
        const proposal = job.proposal
        if (proposal === undefined) {
          const decision = decide({ report, minDelta: options.minDelta ?? 0 })
          const files = yield* canvasAt(job.commit)
          return yield* record({
            ...baseRecord(job.experiment, result.startedAt), baseline: true, description: "baseline", status: decision.status, decisionReason: decision.reason,
            parent: job.commit, commit: job.commit, durations: { agentMs: 0, trainMs, totalMs: trainMs }, costUsd: 0, worker: result.worker,
            ...(report._tag === "Success" ? { metrics: report.metrics } : { crash: crashOf(report)! }),
            canvasLines: files.reduce((n, f) => n + nonBlankLines(f.content), 0)
          })
        }
        const current = baseOf(job.experiment)
        let decision = decide({
          report, best: { valBpb: current.metrics!.valBpb, canvasLines: current.canvasLines }, canvasLines: proposal.canvasLines, minDelta: options.minDelta ?? 0
        })
        if (decision.status === "keep" && proposal.parent !== current.commit) {
          // Built on an older best, and it beats the current one: train it again on top of the current best.
          const files = yield* canvasAt(current.commit)
          const applied = applyEdits(files, proposal.edits, options.editable)
          if (typeof applied !== "string") {
            yield* notice(`#${job.experiment} beats the best but was built on ${proposal.parent.slice(0, 7)}; re-applied onto ${current.commit.slice(0, 7)} and training it again`)
            const round = Number(job.id.split(".")[1] ?? 0) + 1
            return yield* makeJob(job.experiment, round, current.commit, applied, `${proposal.description}\n\nautoresearch experiment ${job.experiment} (${options.tag}), re-applied onto ${current.commit.slice(0, 7)}`, {
              ...proposal, parent: current.commit, canvasLines: applied.reduce((n, f) => n + nonBlankLines(f.content), 0), rebasedFrom: proposal.rebasedFrom ?? proposal.parent
            })
          }
          decision = { status: "discard", reason: `conflict: it beat the best but was built on ${proposal.parent.slice(0, 7)}, and its edits do not apply to the current best ${current.commit.slice(0, 7)} (${applied})` }
        }
        // An island's keep becomes the run's best only if it also beats the best by the same rule.
        const advancesBest =
          islands === undefined || decision.status !== "keep"
            ? undefined
            : current.commit === best!.commit ||
              decide({ report, best: { valBpb: best!.metrics!.valBpb, canvasLines: best!.canvasLines }, canvasLines: proposal.canvasLines, minDelta: options.minDelta ?? 0 }).status === "keep"
        if (advancesBest === false) decision = { ...decision, reason: `${decision.reason}; the new best of its island, not the run's best` }
        const diff = yield* diffBetween(options.dir, proposal.parent, job.commit, options.editable)
        return yield* record({
          ...(advancesBest !== undefined ? { advancesBest } : {}),
          ...baseRecord(job.experiment, proposal.proposedAt), baseline: false, description: proposal.description, status: decision.status,
          decisionReason: proposal.rebasedFrom !== undefined ? `${decision.reason} (re-applied from ${proposal.rebasedFrom.slice(0, 7)})` : decision.reason,
          parent: proposal.parent, commit: job.commit, durations: { agentMs: proposal.agentMs, trainMs, totalMs: Date.now() - Date.parse(proposal.proposedAt) },
          costUsd: proposal.costUsd, worker: result.worker, ...(report._tag === "Success" ? { metrics: report.metrics } : { crash: crashOf(report)! }),
          diffStat: diffStatOf(diff), canvasLines: proposal.canvasLines, threshold: options.minDelta ?? 0,
          ...(proposal.transcript !== undefined ? { transcript: proposal.transcript } : {})
        })
      })

    yield* dispatch({
      tag: options.tag,
      parallel: options.parallel,
      pollSeconds: options.pollSeconds ?? 0.5,
      isRecorded: (job) => records.some((r) => r.id === job.experiment),
      next,
      onResult,
      stopped: () => options.signal?.aborted === true
    })
    const summary: Summary = summarizeRun(options.tag, records, bestCommit(), stopReason ?? "no more experiments")
    yield* publish({ _tag: "LoopStopped", summary })
    return summary
  })

/** Applies edits to canvas files in memory: the new files, or why they do not apply. */
const applyEdits = (
  files: ReadonlyArray<{ path: string; content: string }>,
  edits: ReadonlyArray<{ path: string; old: string; new: string }>,
  editable: ReadonlyArray<string>
): Array<{ path: string; content: string }> | string => {
  const located: Array<{ path: string; old: string; new: string; relative: string }> = []
  for (const edit of edits) {
    const relative = normaliseRelative(edit.path)
    if (relative === undefined || !editable.includes(relative)) return `${JSON.stringify(edit.path)} is not a canvas file (${editable.join(", ")})`
    located.push({ ...edit, relative })
  }
  const changed = applyEditsInMemory(new Map(files.map((f) => [f.path, f.content])), located)
  if (!(changed instanceof Map)) return changed.message
  return files.map((f) => ({ path: f.path, content: changed.get(f.path) ?? f.content }))
}
