// The research loop: baseline first, then propose → apply → commit → train → decide →
// record → keep or reset, until a limit or an interrupt. The store and the git branch are
// the whole state, so a loop killed at any moment resumes where it stopped.
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Cause, Duration, Effect, Exit, Layer, Runtime } from "effect"
import { decodeLoopConfig, type LoopConfig, type LoopConfigInput } from "./config.js"
import type { ExperimentRecord, Proposal, RunReport, Status, Summary } from "./domain.js"
import { type ConfigError, type ForeignStoreError, type StoreError, WorkspaceError } from "./errors.js"
import { ResearchEvents, type ResearchEvent } from "./events.js"
import { diffStatOf } from "./diff-stat.js"
import { decide, keepThreshold, nonBlankLines, sampleStd } from "./policy.js"
import { Agent, type ProposalContext } from "./services/agent.js"
import { Store } from "./services/store.js"
import { Trainer } from "./services/trainer.js"
import { Workspace } from "./services/workspace.js"

export interface LoopOptions {
  /** Aborting stops the loop after the running experiment (the first SIGINT). */
  readonly signal?: AbortSignal
  /** Aborting kills the running experiment at once, unrecorded (the second SIGINT). */
  readonly killSignal?: AbortSignal
  /** Where logs and transcripts go; default the store's dir, else `<workspace>/runs/<tag>`. */
  readonly runDir?: string
  /** The research direction handed to the agent, relative to the workspace. */
  readonly programFile?: string
}

/** Two-stage interrupt: the first call stops after the running experiment, the second kills it. */
export class LoopInterrupt {
  private readonly stopController = new AbortController()
  private readonly killController = new AbortController()
  readonly signal: AbortSignal = this.stopController.signal
  readonly killSignal: AbortSignal = this.killController.signal
  interrupt(): "stopping" | "killing" {
    if (!this.stopController.signal.aborted) {
      this.stopController.abort()
      return "stopping"
    }
    this.killController.abort()
    return "killing"
  }
}

export type LoopError = ConfigError | StoreError | ForeignStoreError | WorkspaceError

const FAILURES: ReadonlyArray<Status> = ["crash", "invalid", "agent_error"]
const isFailure = (record: ExperimentRecord) => FAILURES.includes(record.status)

/** What one experiment produced: a record to append, or nothing because it was killed. */
type Outcome = { readonly _tag: "Recorded"; readonly record: ExperimentRecord } | { readonly _tag: "Killed" }

export const summarize = (tag: string, records: ReadonlyArray<ExperimentRecord>, bestCommit: string, stopReason: string): Summary => {
  const count = (f: (r: ExperimentRecord) => boolean) => records.filter(f).length
  const baseline = records.find((r) => r.baseline && r.status === "keep")
  const best = bestOf(records)
  return {
    tag,
    experiments: records.length,
    kept: count((r) => r.status === "keep" && !r.baseline),
    discarded: count((r) => r.status === "discard"),
    crashed: count((r) => r.status === "crash" || r.status === "agent_error"),
    invalid: count((r) => r.status === "invalid"),
    baselineBpb: baseline?.metrics?.valBpb,
    bestBpb: best?.metrics?.valBpb,
    bestCommit,
    costUsd: records.reduce((sum, r) => sum + r.costUsd, 0),
    stopReason
  }
}

/** A "success" without a finite val_bpb is a NaN crash (and NaN cannot be stored as JSON). */
const finiteMetric = (report: RunReport): RunReport =>
  report._tag === "Success" && !Number.isFinite(report.metrics.valBpb)
    ? { _tag: "Crash", reason: "nan", message: `val_bpb is ${report.metrics.valBpb}`, logTail: "" }
    : report

/** The best kept experiment: the last `keep` (each keep beat the one before it). */
const bestOf = (records: ReadonlyArray<ExperimentRecord>) => records.findLast((r) => r.status === "keep" && r.metrics !== undefined)

const run = (input: LoopConfigInput, options: LoopOptions = {}) =>
  Effect.gen(function* () {
    const config: LoopConfig = yield* decodeLoopConfig(input)
    const agent = yield* Agent
    const trainer = yield* Trainer
    const store = yield* Store
    const workspace = yield* Workspace
    const events = yield* ResearchEvents
    const runtime = yield* Effect.runtime<never>()
    const publishNow = (event: ResearchEvent) => Runtime.runSync(runtime)(events.publish(event))
    const notice = (message: string) => events.publish({ _tag: "Notice", message })
    const killed = () => options.killSignal?.aborted === true
    const stopping = () => options.signal?.aborted === true || killed()

    const opened = yield* store.open
    for (const repair of opened.repaired) yield* notice(`store repaired: ${repair}`)
    const records: Array<ExperimentRecord> = [...opened.records]
    const head = yield* workspace.prepare(config.tag)
    const runDir = options.runDir ?? store.dir ?? join(workspace.dir, "runs", config.tag)
    const logsDir = join(runDir, "logs")
    mkdirSync(logsDir, { recursive: true })

    // The state, all derived from the records (and re-derived the same way on a resume).
    // Until something is kept the base is HEAD, so a person's fix of a failing baseline,
    // committed on the run branch, is what the next session measures.
    const resumedAfter = records.length
    let best = bestOf(records)
    const bestCommit = () => best?.commit ?? head
    const noiseStd = () => records.find((r) => r.noise !== undefined)?.noise?.std ?? 0
    const threshold = () => keepThreshold(config.minDelta, config.noiseZ * noiseStd())
    const totalCost = () => records.reduce((sum, r) => sum + r.costUsd, 0)
    /** Failures in a row in this session (a restart is a person's decision to try again). */
    const consecutiveFailures = () => {
      let n = 0
      for (let i = records.length - 1; i >= resumedAfter && isFailure(records[i]!); i--) n++
      return n
    }

    if (records.length > 0) {
      // A resume: whatever HEAD holds beyond the best (an experiment killed before it was
      // recorded, a discard killed before its reset, uncommitted edits) is thrown away.
      if (head !== bestCommit()) {
        yield* notice(`resuming: HEAD ${head.slice(0, 7)} holds an experiment that was not kept or never recorded; resetting to the best commit ${bestCommit().slice(0, 7)}`)
      }
      yield* workspace.reset(bestCommit())
    }
    yield* events.publish({
      _tag: "LoopStarted",
      tag: config.tag,
      resumedAfter,
      bestCommit: bestCommit(),
      bestBpb: best?.metrics?.valBpb
    })

    const sessionStart = Date.now()
    const program = yield* workspace.read(options.programFile ?? "program.md").pipe(Effect.orElseSucceed(() => ""))
    const readCanvas = Effect.forEach(workspace.editable, (path) => Effect.map(workspace.read(path), (content) => ({ path, content }))).pipe(
      Effect.catchTag("EditError", (error) => Effect.fail(new WorkspaceError({ message: `cannot read the canvas: ${error.message}` })))
    )
    const canvasLinesOf = (files: ReadonlyArray<{ readonly content: string }>) => files.reduce((sum, f) => sum + nonBlankLines(f.content), 0)

    const stopReason = (): string | undefined => {
      if (killed()) return "killed by a second interrupt"
      if (stopping()) return "interrupted"
      if (config.maxExperiments !== undefined && records.length >= config.maxExperiments) return `reached maxExperiments (${config.maxExperiments})`
      if (config.maxDurationSeconds !== undefined && (Date.now() - sessionStart) / 1000 >= config.maxDurationSeconds) {
        return `reached maxDurationSeconds (${config.maxDurationSeconds})`
      }
      if (config.maxCostUsd !== undefined && totalCost() >= config.maxCostUsd) return `reached maxCostUsd ($${config.maxCostUsd})`
      const last = records.length > resumedAfter ? records.at(-1) : undefined
      if (last?.baseline && last.status !== "keep") {
        return `the unchanged baseline failed (${last.decisionReason}); fix the canvas or the trainer, see ${join(logsDir, `${last.id}.log`)}`
      }
      if (consecutiveFailures() >= config.maxConsecutiveFailures) {
        return `${config.maxConsecutiveFailures} experiments failed in a row (last: ${last?.decisionReason}); stopping rather than burning the budget`
      }
      return undefined
    }

    /** One training run; a trainer that cannot run at all is a crash of this experiment. */
    // A backstop behind the trainer's own deadline: a run that never reports is killed here.
    const runTimeoutSeconds = config.runTimeoutSeconds ?? 2 * config.budgetSeconds + 60
    const train = (id: number, suffix: string) =>
      Effect.suspend(() => {
        const deadline = new AbortController()
        const signal = options.killSignal ? AbortSignal.any([options.killSignal, deadline.signal]) : deadline.signal
        return trainer
          .run({
            dir: workspace.dir,
            budgetSeconds: config.budgetSeconds,
            seed: config.seed,
            logFile: join(logsDir, `${id}${suffix}.log`),
            signal,
            onProgress: (p) => publishNow({ _tag: "TrainingProgress", id, ...p })
          })
          .pipe(
            Effect.catchAll((error): Effect.Effect<RunReport> =>
              Effect.succeed({ _tag: "Crash", reason: "error", message: `the trainer could not run: ${error.message}`, logTail: "" })
            ),
            Effect.timeoutTo({
              duration: Duration.seconds(runTimeoutSeconds),
              onSuccess: finiteMetric,
              onTimeout: (): RunReport => {
                deadline.abort()
                return { _tag: "Crash", reason: "timeout", message: `no result after ${runTimeoutSeconds} s: the run was killed`, logTail: "" }
              }
            }),
            Effect.timed,
            Effect.map(([duration, report]) => ({ report, ms: Duration.toMillis(duration) }))
          )
      })

    const runExperiment = (id: number): Effect.Effect<Outcome, WorkspaceError> =>
      Effect.gen(function* () {
        const startedAt = new Date()
        const parent = bestCommit()
        const baseline = best === undefined
        let agentMs = 0
        let trainMs = 0
        let costUsd = 0
        yield* events.publish({ _tag: "ExperimentStarted", id, baseline, parent })
        const finish = (fields: Omit<ExperimentRecord, "id" | "tag" | "baseline" | "parent" | "startedAt" | "finishedAt" | "durations" | "costUsd" | "repairs"> & { repairs?: number }): Outcome => {
          const finishedAt = new Date()
          return {
            _tag: "Recorded",
            record: {
              id,
              tag: config.tag,
              baseline,
              parent,
              startedAt: startedAt.toISOString(),
              finishedAt: finishedAt.toISOString(),
              durations: { agentMs: Math.round(agentMs), trainMs: Math.round(trainMs), totalMs: finishedAt.getTime() - startedAt.getTime() },
              costUsd,
              repairs: 0,
              ...fields
            }
          }
        }
        const trainTimed = (suffix: string) =>
          Effect.map(train(id, suffix), ({ report, ms }) => {
            trainMs += ms
            return report
          })
        const crashOf = (report: RunReport) => (report._tag === "Crash" ? { reason: report.reason, message: report.message, logTail: report.logTail } : undefined)

        if (baseline) {
          const report = yield* trainTimed("")
          if (killed()) return { _tag: "Killed" }
          const files = yield* readCanvas
          const samples: Array<number> = []
          if (report._tag === "Success") {
            samples.push(report.metrics.valBpb)
            for (let k = 1; k <= config.noiseRepeats && !stopping(); k++) {
              const repeat = yield* trainTimed(`-noise${k}`)
              if (killed()) return { _tag: "Killed" }
              if (repeat._tag === "Success") samples.push(repeat.metrics.valBpb)
              else yield* notice(`noise repeat ${k} of the baseline crashed (${repeat.message}); the noise floor uses ${samples.length} run(s)`)
            }
          }
          const decision = decide({ report, minDelta: config.minDelta })
          return finish({
            description: "baseline",
            status: decision.status,
            decisionReason: decision.reason,
            commit: parent,
            metrics: report._tag === "Success" ? report.metrics : undefined,
            crash: crashOf(report),
            canvasLines: canvasLinesOf(files),
            noise: samples.length >= 2 ? { samples, std: sampleStd(samples) } : undefined
          })
        }

        const files = yield* readCanvas
        const last = records.at(-1)
        const lastFailure =
          last !== undefined && (last.status === "crash" || last.status === "invalid")
            ? { description: last.description, message: last.crash?.message ?? last.decisionReason, logTail: last.crash?.logTail ?? "" }
            : undefined
        const context: ProposalContext = {
          program,
          files,
          history: [...records],
          lastFailure,
          remaining: {
            experiments: config.maxExperiments === undefined ? undefined : config.maxExperiments - records.length,
            seconds: config.maxDurationSeconds === undefined ? undefined : config.maxDurationSeconds - (Date.now() - sessionStart) / 1000,
            costUsd: config.maxCostUsd === undefined ? undefined : config.maxCostUsd - totalCost()
          },
          experimentId: id,
          transcriptDir: join(runDir, "transcripts"),
          signal: options.killSignal
        }
        /** Asks the agent; a failure is recorded (with what it spent), never fatal to the loop. */
        const propose = (ctx: ProposalContext) =>
          agent.propose(ctx).pipe(
            Effect.timed,
            Effect.map(([duration, proposal]) => {
              agentMs += Duration.toMillis(duration)
              costUsd += proposal.costUsd
              return proposal
            }),
            Effect.tapError((error) => Effect.sync(() => (costUsd += error.costUsd ?? 0))),
            Effect.either
          )

        // Propose and apply, feeding back why edits did not apply.
        let proposal: Proposal | undefined
        let lastProposal: Proposal | undefined
        let feedback: ProposalContext["feedback"]
        for (let attempt = 1; attempt <= config.editAttempts && proposal === undefined; attempt++) {
          const proposed = yield* propose({ ...context, feedback })
          if (killed()) return { _tag: "Killed" }
          if (proposed._tag === "Left") {
            return finish({
              description: lastProposal?.description ?? "(no proposal)",
              status: "agent_error",
              decisionReason: `agent failed: ${proposed.left.message}`,
              commit: parent
            })
          }
          lastProposal = proposed.right
          const applied = yield* workspace.apply(proposed.right.edits).pipe(
            Effect.as(undefined as string | undefined),
            Effect.catchTag("EditError", (error) => Effect.succeed(error.message))
          )
          if (applied === undefined) proposal = proposed.right
          else feedback = { kind: "edit_failed", message: applied }
        }
        if (proposal === undefined) {
          return finish({
            description: lastProposal?.description ?? "(no proposal)",
            status: "invalid",
            decisionReason: `edits did not apply after ${config.editAttempts} attempt(s): ${feedback?.message}`,
            commit: parent,
            transcript: lastProposal?.transcript
          })
        }

        let commit = yield* workspace.commit(`${proposal.description}\n\nautoresearch experiment ${id} (${config.tag})`)
        const diff = yield* workspace.diff(parent, commit)
        yield* events.publish({ _tag: "ProposalReady", id, description: proposal.description, diff })
        let report = yield* trainTimed("")
        if (killed()) return { _tag: "Killed" }

        // A crashed change may be repaired by the agent, who sees the log tail.
        let repairs = 0
        while (report._tag === "Crash" && report.reason !== "invalid" && repairs < config.repairAttempts) {
          repairs++
          const current = yield* readCanvas
          const fix = yield* propose({ ...context, files: current, feedback: { kind: "repair", message: report.message, logTail: report.logTail } })
          if (killed()) return { _tag: "Killed" }
          if (fix._tag === "Left") break
          const applied = yield* workspace.apply(fix.right.edits).pipe(
            Effect.as(true),
            Effect.catchTag("EditError", () => Effect.succeed(false))
          )
          if (!applied) break
          yield* notice(`experiment ${id}: the agent repairs its crashed change (${repairs}/${config.repairAttempts}): ${fix.right.description}`)
          commit = yield* workspace.commit(`repair: ${fix.right.description}\n\nautoresearch experiment ${id} (${config.tag})`)
          report = yield* trainTimed(`-repair${repairs}`)
          if (killed()) return { _tag: "Killed" }
        }

        const canvasLines = canvasLinesOf(yield* readCanvas)
        const margin = threshold()
        let decision = decide({
          report,
          best: { valBpb: best!.metrics!.valBpb, canvasLines: best!.canvasLines },
          canvasLines,
          minDelta: config.minDelta,
          noiseThreshold: config.noiseZ * noiseStd()
        })
        let confirmation: ExperimentRecord["confirmation"]
        if (decision.status === "keep" && config.confirmKeeps && report._tag === "Success") {
          const rerun = yield* trainTimed("-confirm")
          if (killed()) return { _tag: "Killed" }
          const again = decide({ report: rerun, best: { valBpb: best!.metrics!.valBpb, canvasLines: best!.canvasLines }, canvasLines, minDelta: config.minDelta, noiseThreshold: config.noiseZ * noiseStd() })
          const confirmed = again.status === "keep"
          confirmation = { valBpb: rerun._tag === "Success" ? rerun.metrics.valBpb : undefined, confirmed }
          if (!confirmed) decision = { status: "discard", reason: `not confirmed by a re-run (${again.reason}); first run: ${decision.reason}` }
        }
        const stat = diffStatOf(repairs > 0 ? yield* workspace.diff(parent, commit) : diff)
        return finish({
          description: proposal.description,
          status: decision.status,
          decisionReason: decision.reason,
          commit,
          metrics: report._tag === "Success" ? report.metrics : undefined,
          crash: crashOf(report),
          diffStat: stat,
          canvasLines,
          repairs,
          transcript: proposal.transcript,
          threshold: margin,
          confirmation
        })
      })

    /** Leaves the work tree at the best commit, however the loop ends. */
    const settle = Effect.gen(function* () {
      if ((yield* workspace.head) !== bestCommit()) yield* workspace.reset(bestCommit())
    })

    const loop = Effect.gen(function* () {
      for (;;) {
        const reason = stopReason()
        if (reason !== undefined) return reason
        const id = (records.at(-1)?.id ?? 0) + 1
        const outcome = yield* runExperiment(id)
        if (outcome._tag === "Killed") return "killed by a second interrupt: the running experiment was dropped unrecorded"
        const record = outcome.record
        // Record first: a kill between here and the reset is undone by the resume's reset.
        yield* store.append(record)
        records.push(record)
        if (record.status === "keep") best = record
        else if (record.commit !== bestCommit()) yield* workspace.reset(bestCommit())
        yield* events.publish({ _tag: "ExperimentFinished", record })
      }
    })

    const stop = yield* loop.pipe(Effect.ensuring(settle.pipe(Effect.ignore)))
    const summary = summarize(config.tag, records, bestCommit(), stop)
    yield* events.publish({ _tag: "LoopStopped", summary })
    return summary
  })

/** The research loop as an Effect: needs an Agent, a Trainer, a Store, a Workspace and ResearchEvents. */
export const ResearchLoop = { run }

export interface RunResearchOptions extends LoopConfigInput, LoopOptions {
  readonly agent: Layer.Layer<Agent, unknown>
  readonly trainer: Layer.Layer<Trainer, unknown>
  readonly store: Layer.Layer<Store, unknown>
  readonly workspace: Layer.Layer<Workspace, unknown>
  /** Called synchronously for every event the loop publishes. */
  readonly onEvent?: (event: ResearchEvent) => void
}

/**
 * The loop as a Promise: resolves with the Summary when the loop stops, rejects with the
 * tagged error (ConfigError, StoreError, WorkspaceError, ...) that stopped it.
 */
export const runResearch = async (options: RunResearchOptions): Promise<Summary> => {
  const { agent, trainer, store, workspace, onEvent, signal, killSignal, runDir, programFile, ...config } = options
  // A listener that throws must not end the night: it is reported and the loop goes on.
  const listener =
    onEvent &&
    ((event: ResearchEvent) => {
      try {
        onEvent(event)
      } catch (error) {
        console.error(`autoresearch: an onEvent listener threw on ${event._tag}: ${error instanceof Error ? error.message : String(error)}`)
      }
    })
  const layer = Layer.mergeAll(agent, trainer, store, workspace, ResearchEvents.layer(listener))
  const exit = await Effect.runPromiseExit(ResearchLoop.run(config, { signal, killSignal, runDir, programFile }).pipe(Effect.provide(layer)))
  if (Exit.isSuccess(exit)) return exit.value
  throw Cause.squash(exit.cause)
}
