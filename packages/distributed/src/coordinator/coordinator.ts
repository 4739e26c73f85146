// The coordinator of parallel research: the only process that asks the agent and decides keep
// or discard. It runs the sequential loop's own phases (core's `Phases`: the baseline with its
// noise repeats, propose-and-apply, train, repair, decide, confirm, back-off, record) for up to
// `parallel` experiments at once: each experiment has a tree of its own (experiment-tree.ts)
// and trains through the job trainer (job-trainer.ts), so every training, repeat and
// confirmation is a job a worker runs. A change that beats the best but was built on an older
// best is re-applied onto the current best and trained again before it is kept; if its edits
// no longer apply it is a discard that says so. A branching strategy (best-first, islands)
// picks each flight's node as the loop does (phases/branch.ts), the experiments in flight
// counted as visits; the flight is judged against its node, a keep is a new node and moves the
// run's best only if it beats it too. Everything it needs to go on after a kill -9 lives in
// the Store, the ledger and git.
import {
  Agent, type ExperimentRecord, isNewBest, type LoopOptions, Phases, type ResearchEvent, ResearchEvents, runDeadlineSeconds, type Summary,
  summarizeRun, Trainer, type WorkspaceService
} from "@autoresearch/core"
import { Effect, Either, Fiber, Option, Queue } from "effect"
import { readProfileName, pushBest } from "../git-remote.js"
import type { TrainJob } from "../job.js"
import { JobLedger } from "../ledger.js"
import { outlastOutage } from "../outage.js"
import { BestCommit } from "../pg-store.js"
import { candidatePool } from "./candidates.js"
import { experimentTree } from "./experiment-tree.js"
import { makeJobTrainer } from "./job-trainer.js"

export interface ParallelResearchOptions extends LoopOptions {
  /** The workspace (a git work tree prepared by `autoresearch init`). */
  readonly dir: string
  /** Experiments in flight at once (the number of workers, usually). */
  readonly parallel: number
  /** The canvas: the files the agent may edit. */
  readonly editable: ReadonlyArray<string>
  /** Where workers fetch commits from; undefined: they fetch from the workspace itself (one machine). */
  readonly remote?: string
  readonly onEvent?: (event: ResearchEvent) => void
  /** How often results are looked for (default 0.5 s). */
  readonly pollSeconds?: number
}

/** An experiment in flight: its latest value, its own tree, and how often it was re-applied. */
interface Flight {
  readonly id: number
  experiment: Phases.Experiment
  readonly tree: WorkspaceService
  round: number
  rebasedFrom?: string
}

const short = (commit: string) => commit.slice(0, 7)

/**
 * How long the loop's backstop waits for a training that is a job: it may wait for a free worker
 * and be claimed up to three times (a worker killed mid-run loses it when its lease runs out).
 */
const queuedRunTimeout = (deadlineSeconds: number) => 4 * deadlineSeconds + 600

export const runParallelResearch = (options: ParallelResearchOptions) =>
  Effect.gen(function* () {
    const flights = new Map<number, Flight>()
    const jobs = yield* makeJobTrainer({
      dir: options.dir, tag: options.tag, editable: options.editable, pollSeconds: options.pollSeconds ?? 0.5,
      ...(options.remote !== undefined ? { remote: options.remote } : {}),
      ...(options.runTimeoutSeconds !== undefined ? { runTimeoutSeconds: options.runTimeoutSeconds } : {}),
      ...(readProfileName(options.dir) !== undefined ? { profile: readProfileName(options.dir)! } : {}),
      describe: (id) => describe(flights.get(id))
    })
    const deadline = runDeadlineSeconds(options.budgetSeconds, options.runTimeoutSeconds)
    // Islands: one per experiment in flight (at least the loop's 2) unless the options say how many.
    const opened = yield* Phases.openRun({ ...options, islands: options.islands ?? Math.max(2, options.parallel), runTimeoutSeconds: queuedRunTimeout(deadline) }).pipe(
      Effect.provideService(Trainer, jobs.trainer)
    )
    const { config } = opened.run
    let state = opened.state
    // The work tree stays at the best commit: a record of a discard need not reset it again.
    let workTreeAt = Phases.bestCommit(state)
    const main: Phases.LoopRun = {
      ...opened.run,
      workspace: {
        ...opened.run.workspace,
        reset: (commit) =>
          commit === workTreeAt ? Effect.void : Effect.tap(opened.run.workspace.reset(commit), () => Effect.sync(() => (workTreeAt = commit)))
      }
    }
    const bestCas = yield* Effect.serviceOption(BestCommit)
    const pool = yield* candidatePool(yield* Agent, {
      inFlight: () => [...flights.values()].flatMap((f) => (f.experiment.proposal !== undefined ? [{ id: f.id, description: f.experiment.proposal.description }] : [])),
      freeSlots: () => Math.max(1, Math.min(options.parallel - flights.size + 1, config.maxExperiments === undefined ? Infinity : config.maxExperiments - Phases.sessionExperiments(state) - flights.size + 1))
    })
    // The baseline's noise repeats train side by side on the free workers.
    const run: Phases.LoopRun = { ...main, agent: pool.agent, concurrency: options.parallel }
    const runOf = (flight: Flight): Phases.LoopRun => ({ ...run, workspace: flight.tree })
    /** The state as a flight's phases see it: its node is the best to beat (greedy: the best). */
    const viewOf = (flight: Flight) => Phases.branchView(state, flight.experiment.branch)
    const recording = yield* Effect.makeSemaphore(1)

    /** Appends a record (one at a time); a keep moves the best: compare-and-set, the work tree, the remote. */
    const commitRecord = (entry: ExperimentRecord, retryable: boolean) =>
      Effect.gen(function* () {
        const previous = state.best?.commit
        state = yield* Phases.record(main, state, entry, retryable)
        if (entry.status !== "keep") return
        pool.clear()
        // A new node off another node (a branching strategy) leaves the best where it is.
        if (!isNewBest(entry)) return
        if (Option.isSome(bestCas)) {
          const moved = yield* bestCas.value.compareAndSet(options.tag, previous, entry.commit)
          if (!moved) yield* Phases.notice(main, `the best commit of ${options.tag} moved under this coordinator; keeping ${short(entry.commit)} anyway (is another coordinator running?)`)
        }
        yield* main.workspace.reset(entry.commit)
        if (options.remote !== undefined) {
          yield* pushBest(options.dir, options.remote, options.tag, entry.commit).pipe(Effect.catchAll((e) => Phases.notice(main, `could not push the best to the remote: ${e.message}`)))
        }
      })

    const withWorker = (flight: Flight, entry: ExperimentRecord): ExperimentRecord => {
      const worker = jobs.workerOf(String(flight.id))
      return {
        ...entry,
        ...(worker !== undefined ? { worker } : {}),
        ...(flight.rebasedFrom !== undefined ? { decisionReason: `${entry.decisionReason} (re-applied from ${short(flight.rebasedFrom)})` } : {})
      }
    }

    /** How an experiment that ended early (agent error, edits that never applied, a kill) is recorded. */
    const ended = (flight: Flight | undefined, outcome: Phases.Outcome) =>
      outcome._tag === "Killed" ? Effect.void : recording.withPermits(1)(commitRecord(flight ? withWorker(flight, outcome.record) : outcome.record, outcome.retryable))

    /**
     * The commit a keep must be built on to stand when it is recorded (flights finish out of
     * order): greedy, the run's best now; islands, its island's best now (another keep of the
     * island may have landed since); best-first, the node it started from (a node never moves).
     */
    const baseNow = (experiment: Phases.Experiment) =>
      experiment.branch === undefined
        ? Phases.bestCommit(state)
        : config.strategy === "islands"
          ? Phases.branchPoint(run, state, experiment.id)?.node.commit ?? experiment.parent
          : experiment.parent
    const isStale = (experiment: Phases.Experiment) => experiment.decision?.status === "keep" && experiment.parent !== baseNow(experiment)

    /**
     * A keep built on an older base (`baseNow`): its edits are re-applied onto the current base
     * and it is trained again (true), or, when they no longer apply, recorded as a conflict (false).
     */
    const rebase = (flight: Flight, experiment: Phases.Experiment) =>
      Effect.gen(function* () {
        const base = baseNow(experiment)
        const [what, current] = experiment.branch === undefined ? ["the best", "the current best"] : ["its island's best", "its island's best now"]
        yield* flight.tree.reset(base)
        const refused = yield* flight.tree.apply(experiment.proposal!.edits).pipe(
          Effect.as(undefined),
          Effect.catchTag("EditError", (error) => Effect.succeed(error.message))
        )
        if (refused !== undefined) {
          const reason = `conflict: it beat ${what} but was built on ${short(experiment.parent)}, and its edits do not apply to ${current} ${short(base)} (${refused})`
          yield* recording.withPermits(1)(
            Effect.flatMap(Phases.finishedRecord(runOf(flight), { ...experiment, decision: { status: "discard", reason } }), (entry) => commitRecord(withWorker(flight, entry), false))
          )
          return false
        }
        yield* Phases.notice(run, `#${flight.id} beats ${what} but was built on ${short(experiment.parent)}; re-applied onto ${short(base)} and training it again`)
        const commit = yield* flight.tree.commit(`${experiment.proposal!.description}\n\nautoresearch experiment ${flight.id} (${options.tag}), re-applied onto ${short(base)}`)
        flight.rebasedFrom ??= experiment.parent
        flight.round++
        flight.experiment = {
          ...Phases.startExperiment(flight.id, base, false, Phases.branchAt(run, state, base)),
          startedAt: experiment.startedAt, agentMs: experiment.agentMs, trainMs: experiment.trainMs, costUsd: experiment.costUsd,
          proposal: experiment.proposal!, commit, diff: yield* flight.tree.diff(base, commit)
        }
        return true
      })

    /** The phases after the proposal, round after round until the experiment is recorded. */
    const settle = (flight: Flight) =>
      Effect.gen(function* () {
        for (;;) {
          const r = runOf(flight)
          let experiment = yield* Phases.train(r, flight.experiment).pipe(
            Effect.flatMap((trained) => Phases.unlessKilled(r, trained)),
            Effect.flatMap((trained) => Phases.repair(r, viewOf(flight))(trained)),
            Effect.flatMap((repaired) => Phases.decide(r, viewOf(flight))(repaired))
          )
          // Re-applied at once: confirming it against a best it was not built on is wasted work.
          if (isStale(experiment)) {
            if (yield* rebase(flight, experiment)) continue
            return
          }
          experiment = yield* Phases.confirm(r, viewOf(flight))(experiment)
          const done = experiment
          // Whether a new node also moves the run's best is decided against the best at this moment.
          const recorded = yield* recording.withPermits(1)(
            Effect.suspend(() =>
              isStale(done)
                ? Effect.succeed(false)
                : Effect.flatMap(Phases.finishedRecord(r, Phases.rankNode(r, state)(done)), (entry) => Effect.as(commitRecord(withWorker(flight, entry), false), true))
            )
          )
          if (recorded) return
          if (!(yield* rebase(flight, done))) return
        }
      }).pipe(Effect.catchTag("ExperimentEnded", (end) => ended(flight, end.outcome)))

    const baseline = (flight: Flight) =>
      Phases.measureBaseline(runOf(flight), state)(flight.experiment).pipe(
        Effect.flatMap((done) => recording.withPermits(1)(Effect.flatMap(Phases.finishedRecord(runOf(flight), done), (entry) => commitRecord(withWorker(flight, entry), false)))),
        Effect.catchTag("ExperimentEnded", (end) => ended(flight, end.outcome))
      )

    // Experiments run as fibers; each says on `finished` when it is over.
    const finished = yield* Queue.unbounded<number>()
    const fibers = new Map<number, Fiber.RuntimeFiber<void, unknown>>()
    const fly = (flight: Flight, work: Effect.Effect<void, unknown>) =>
      Effect.gen(function* () {
        flights.set(flight.id, flight)
        const fiber = yield* Effect.fork(work.pipe(Effect.ensuring(Effect.zipRight(Effect.sync(() => flights.delete(flight.id)), Queue.offer(finished, flight.id)))))
        fibers.set(flight.id, fiber)
      })
    const newFlight = (experiment: Phases.Experiment) =>
      Effect.map(experimentTree(options.dir, options.editable, experiment.commit), (tree): Flight => ({ id: experiment.id, experiment, tree, round: 0 }))

    // Numbers continue after everything recorded or offered (a restart must not reuse one).
    const offered = (yield* outlastOutage((yield* JobLedger).offered(options.tag))).filter((job) => !state.records.some((r) => r.id === job.experiment))
    let lastId = Math.max(0, ...state.records.map((r) => r.id), ...offered.map((j) => j.experiment))

    // A restart: every experiment that was training and is not recorded goes on from its
    // training; the same trainings are the same jobs, so results already written are used.
    for (const job of latestRounds(offered)) {
      const p = job.proposal
      if (p === undefined) {
        if (state.records.some((r) => r.baseline)) continue
        yield* Phases.notice(run, `resuming the baseline (#${job.experiment}) from its jobs on the queue`)
        const flight = yield* newFlight({ ...Phases.startExperiment(job.experiment, job.commit, true) })
        yield* fly(flight, baseline(flight))
        continue
      }
      yield* Phases.notice(run, `resuming #${job.experiment} (${p.description}) from its jobs on the queue`)
      const flight = yield* newFlight({
        ...Phases.startExperiment(job.experiment, p.parent, false, Phases.branchAt(run, state, p.parent)),
        startedAt: new Date(p.proposedAt), agentMs: p.agentMs, costUsd: p.costUsd, commit: job.commit,
        proposal: { description: p.description, edits: p.edits, costUsd: p.costUsd, ...(p.transcript !== undefined ? { transcript: p.transcript } : {}) }
      })
      flight.experiment = { ...flight.experiment, diff: yield* flight.tree.diff(p.parent, job.commit) }
      flight.round = p.round ?? 0
      if (p.rebasedFrom !== undefined) flight.rebasedFrom = p.rebasedFrom
      yield* fly(flight, settle(flight))
    }

    /** Asks for the next change (here, one at a time) and sends it off to train. */
    const launch = Effect.gen(function* () {
      const id = ++lastId
      const inFlight = [...flights.values()].flatMap((f) => (f.experiment.baseline ? [] : [f.experiment.parent]))
      const branch = Phases.branchPoint(run, state, id, inFlight)
      const parent = branch?.node.commit ?? Phases.bestCommit(state)
      // The flight's own tree starts at its node: the node is checked out there.
      const flight = yield* newFlight(Phases.startExperiment(id, parent, false, branch))
      flights.set(id, flight)
      yield* run.publish({ _tag: "ExperimentStarted", id, baseline: false, parent })
      const applied = yield* Phases.proposeAndApply(runOf(flight), viewOf(flight))(flight.experiment).pipe(
        Effect.map(Either.right),
        Effect.catchTag("ExperimentEnded", (end) => Effect.succeed(Either.left(end.outcome)))
      )
      if (Either.isLeft(applied)) {
        flights.delete(id)
        return yield* ended(undefined, applied.left)
      }
      flight.experiment = applied.right
      yield* fly(flight, settle(flight))
    })

    const signals = () => ({ stopping: Phases.stopping(run), killed: Phases.killed(run), logOf: (id: number) => Phases.logFile(run, id) })
    const whyStop = () =>
      config.maxExperiments !== undefined && Phases.sessionExperiments(state) + flights.size >= config.maxExperiments
        ? `reached maxExperiments (${config.maxExperiments})`
        : Phases.stopReason(state, config, signals())

    let reason: string | undefined
    // A retryable agent error delays the next proposal once (not every slot's): the wait that
    // matches the errors in a row so far.
    let waitedAfter = 0
    const loop = Effect.gen(function* () {
      for (;;) {
        while (reason === undefined && flights.size < options.parallel) {
          if (state.retryableInARow !== waitedAfter) {
            waitedAfter = state.retryableInARow
            yield* Phases.backOff(run, state)
          }
          reason = whyStop()
          if (reason !== undefined) break
          if (state.best === undefined) {
            // The baseline first, alone: every proposal needs a best to build on.
            if (flights.size > 0) break
            const id = ++lastId
            yield* run.publish({ _tag: "ExperimentStarted", id, baseline: true, parent: state.head })
            const flight = yield* newFlight(Phases.startExperiment(id, state.head, true))
            yield* fly(flight, baseline(flight))
            continue
          }
          yield* launch
        }
        if (flights.size === 0 && fibers.size === 0) return reason ?? whyStop() ?? "no more experiments"
        const id = yield* Queue.take(finished)
        const fiber = fibers.get(id)!
        fibers.delete(id)
        yield* Fiber.join(fiber)
      }
    })
    /** However the run ends, the work tree is left at the best commit. */
    const settleWorkTree = Effect.suspend(() =>
      Effect.flatMap(opened.run.workspace.head, (head) => (head !== Phases.bestCommit(state) ? opened.run.workspace.reset(Phases.bestCommit(state)) : Effect.void))
    )
    const stop = yield* loop.pipe(Effect.ensuring(Effect.ignore(settleWorkTree)))
    const summary: Summary = summarizeRun(options.tag, state.records, Phases.bestCommit(state), Phases.killed(run) ? "killed by a second interrupt: the experiments in flight were dropped unrecorded" : stop)
    yield* run.publish({ _tag: "LoopStopped", summary })
    return summary
  }).pipe(
    Effect.scoped,
    Effect.provide(ResearchEvents.layer(listenerOf(options.onEvent)))
  )

/** What each job of a flight carries so a restarted coordinator can resume it (undefined: the baseline). */
const describe = (flight: Flight | undefined): TrainJob["proposal"] => {
  const experiment = flight?.experiment
  if (experiment?.proposal === undefined || experiment.baseline) return undefined
  const { proposal } = experiment
  return {
    description: proposal.description, parent: experiment.parent, edits: proposal.edits, costUsd: experiment.costUsd,
    agentMs: experiment.agentMs, proposedAt: experiment.startedAt.toISOString(), round: flight!.round,
    ...(proposal.transcript !== undefined ? { transcript: proposal.transcript } : {}),
    ...(flight!.rebasedFrom !== undefined ? { rebasedFrom: flight!.rebasedFrom } : {})
  }
}

/** Per experiment, the first training of its latest round (the job a resume starts from). */
const latestRounds = (jobs: ReadonlyArray<TrainJob>): Array<TrainJob> => {
  const latest = new Map<number, TrainJob>()
  for (const job of jobs) {
    if (job.run !== undefined && job.run !== String(job.experiment)) continue
    const seen = latest.get(job.experiment)
    if (seen === undefined || (job.proposal?.round ?? 0) >= (seen.proposal?.round ?? 0)) latest.set(job.experiment, job)
  }
  return [...latest.values()].sort((a, b) => a.experiment - b.experiment)
}

/** A listener that throws must not end the night: it is reported and the run goes on. */
const listenerOf = (onEvent: ((event: ResearchEvent) => void) | undefined) =>
  onEvent &&
  ((event: ResearchEvent) => {
    try {
      onEvent(event)
    } catch (error) {
      console.error(`autoresearch: an onEvent listener threw on ${event._tag}: ${error instanceof Error ? error.message : String(error)}`)
    }
  })
