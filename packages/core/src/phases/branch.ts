// Branch (config `strategy`): where an experiment starts. Greedy starts at the best, as the
// reference does. A branching strategy picks a kept node of the tree (core's `strategy/`),
// checks it out, and the phases judge the change against that node; a keep is a new node, and
// it becomes the run's best only if it also beats the best by the same rule.
import { Effect } from "effect"
import type { ExperimentRecord } from "../domain.js"
import { ConfigError, type WorkspaceError } from "../errors.js"
import { islandBase, lineageOf, nodesOf, type SearchNode, strategyNamed } from "../strategy/index.js"
import { verdict } from "./decide.js"
import type { Experiment } from "./experiment.js"
import type { LoopRun } from "./run-context.js"
import { nextId, type LoopState } from "./state.js"

/** Where a branched experiment starts: a kept node of the tree, picked by the strategy. */
export interface BranchPoint {
  /** The kept experiment this one starts from. */
  readonly node: ExperimentRecord
  /** Whether that node is the run's best. */
  readonly best: boolean
  /** The history on the way to the node (`lineageOf`): what the agent sees. */
  readonly history: ReadonlyArray<ExperimentRecord>
}

const branching = (run: LoopRun) => run.config.strategy !== "greedy"

/**
 * Where experiment `id` starts: undefined for greedy (the best, as always). `inFlight`, the
 * parents of experiments started and not yet recorded (a parallel run), count as visits, so
 * experiments started side by side do not all pick the same node.
 */
export const branchPoint = (run: LoopRun, state: LoopState, id = nextId(state), inFlight: ReadonlyArray<string> = []): BranchPoint | undefined => {
  const best = state.best
  if (!branching(run) || best === undefined) return undefined
  const commit =
    run.config.strategy === "islands"
      ? islandBase(state.records, id, { islands: run.config.islands })?.commit ?? best.commit
      : strategyNamed(run.config.strategy).choose(withVisits(nodesOf(state.records), inFlight)) ?? best.commit
  return branchAt(run, state, commit)
}

const withVisits = (nodes: ReadonlyArray<SearchNode>, inFlight: ReadonlyArray<string>): ReadonlyArray<SearchNode> =>
  inFlight.length === 0 ? nodes : nodes.map((node) => ({ ...node, visits: node.visits + inFlight.filter((commit) => commit === node.commit).length }))

/** The branch point at the kept node `commit` (the best if no keep has it); undefined for greedy. */
export const branchAt = (run: LoopRun, state: LoopState, commit: string): BranchPoint | undefined => {
  const best = state.best
  if (!branching(run) || best === undefined) return undefined
  const node = state.records.find((r) => r.status === "keep" && r.commit === commit && r.metrics !== undefined) ?? best
  return { node, best: node.commit === best.commit, history: lineageOf(state.records, node.commit) }
}

/** The state as the phases of a branched experiment see it: the node is the best to beat. */
export const branchView = (state: LoopState, branch: BranchPoint | undefined): LoopState => (branch === undefined ? state : { ...state, best: branch.node })

/** Checks the node out before the agent reads the canvas. */
export const checkoutNode =
  (run: LoopRun) =>
  (experiment: Experiment): Effect.Effect<Experiment, WorkspaceError> =>
    experiment.branch === undefined
      ? Effect.succeed(experiment)
      : Effect.flatMap(run.workspace.head, (head) => (head === experiment.parent ? Effect.succeed(experiment) : Effect.as(run.workspace.reset(experiment.parent), experiment)))

/** A keep of a branched experiment beat its node; whether it also beats the run's best (`state`). */
export const rankNode =
  (run: LoopRun, state: LoopState) =>
  (experiment: Experiment): Experiment => {
    const { branch, decision } = experiment
    if (branch === undefined || decision?.status !== "keep") return experiment
    // The node is the best now (in a parallel run the best may have moved since it started).
    if (branch.node.commit === state.best?.commit) return { ...experiment, advancesBest: true }
    const global = verdict(run, state, experiment)
    if (global.status === "keep") return { ...experiment, advancesBest: true }
    return {
      ...experiment,
      advancesBest: false,
      decision: { status: "keep", reason: `${decision.reason}; a new node off experiment ${branch.node.id}, not the run's best (${global.reason})` }
    }
  }

/** Pins a kept experiment as `node-<id>` so it survives off the run branch (gc, resumes). */
export const pinNode = (run: LoopRun, record: ExperimentRecord): Effect.Effect<void, WorkspaceError> =>
  branching(run) && record.status === "keep" && run.workspace.pin !== undefined ? run.workspace.pin(`node-${record.id}`, record.commit) : Effect.void

/** On open: a branching strategy needs a workspace that pins nodes; every node is (re-)pinned. */
export const pinNodes = (run: LoopRun, records: ReadonlyArray<ExperimentRecord>): Effect.Effect<void, ConfigError | WorkspaceError> =>
  !branching(run)
    ? Effect.void
    : run.workspace.pin === undefined
      ? Effect.fail(new ConfigError({ message: `strategy ${run.config.strategy} needs a workspace that can pin nodes (Workspace.pin); this one cannot`, hint: "use the git workspace, or strategy greedy" }))
      : Effect.forEach(records, (record) => pinNode(run, record), { discard: true })
