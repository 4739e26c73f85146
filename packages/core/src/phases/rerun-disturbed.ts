// Load awareness: a wall-clock budget turns machine load into val_bpb, so a run whose throughput
// falls outside the band of recent runs (decision/load.ts) is marked disturbed and trained once
// more before it decides anything; a commit that already has steady runs is held to their band.
// Used for the first run of every change (whatever the confirmations setting) and for each
// paired confirmation run.
import { Effect } from "effect"
import { commitThroughputs, isDisturbed, recentThroughputs } from "../decision/load.js"
import { type Experiment, type ExperimentEnded, unlessKilled } from "./experiment.js"
import { notice, type LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"
import { train } from "./train.js"

/** Runs in the band: the last 8 of the night before this experiment's latest run. */
const BAND_RUNS = 8

/**
 * When the experiment's latest run was disturbed, marks it so and trains once more
 * (`<suffix>-rerun`); the re-run's report replaces it. One re-run at most: a machine that stays
 * busy moves the band itself within a few runs.
 */
export const rerunIfDisturbed = (
  run: LoopRun,
  state: LoopState,
  experiment: Experiment,
  suffix: string,
  commit = experiment.commit
): Effect.Effect<Experiment, ExperimentEnded> =>
  Effect.gen(function* () {
    const latest = experiment.runs.at(-1)
    if (latest === undefined || experiment.report?._tag !== "Success") return experiment
    // A commit with steady runs of its own is held to them: a change of the model's shape trains
    // at its own FLOP/s, so only its first run is compared with the night's other runs.
    const isBest = commit !== experiment.commit
    const own = [
      ...commitThroughputs(state.records, commit),
      ...experiment.runs.slice(0, -1).flatMap((sample) => (!sample.disturbed && (sample.kind === "best") === isBest ? (sample.throughput ?? []) : []))
    ].slice(-BAND_RUNS)
    const recent = [...recentThroughputs(state.records, BAND_RUNS), ...experiment.runs.slice(0, -1).flatMap((sample) => sample.throughput ?? [])].slice(-BAND_RUNS)
    if (own.length > 0 ? !isDisturbed(latest.throughput, own, { minRuns: 1 }) : !isDisturbed(latest.throughput, recent)) return experiment
    const marked = { ...experiment, runs: [...experiment.runs.slice(0, -1), { ...latest, disturbed: true }] }
    yield* notice(
      run,
      `experiment ${experiment.id}: run ${latest.log} trained at ${((latest.throughput ?? 0) / 1e9).toFixed(2)} GFLOP/s, outside the band of recent runs ` +
        `(load ${latest.loadStart} → ${latest.loadEnd}): re-running it before it decides anything`
    )
    return yield* unlessKilled(run, yield* train(run, marked, `${suffix}-rerun`, commit))
  })

/** Trains `commit` once (log `<id><suffix>.log`) and re-runs a disturbed run. */
export const trainSteady = (
  run: LoopRun,
  state: LoopState,
  experiment: Experiment,
  suffix: string,
  commit = experiment.commit
): Effect.Effect<Experiment, ExperimentEnded> =>
  Effect.flatMap(train(run, experiment, suffix, commit), (trained) =>
    Effect.flatMap(unlessKilled(run, trained), (done) => rerunIfDisturbed(run, state, done, suffix, commit)))
