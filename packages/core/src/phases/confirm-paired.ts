// Confirm by the sequential test (config `maxConfirmations` > 0): the first run is judged
// against every run of the best; a gain within a few σ asks for a paired re-run (the
// candidate, then the best, back to back, with the same fresh seed) until the pairs decide. A
// confirmation run disturbed by load is re-run (rerun-disturbed.ts), as the first run was.
// When the first run trained at a throughput outside the band of the best's own runs, the
// machine changed since the best was measured: a loss under a heavier load, or a clear gain
// under a lighter one, is not taken at its word; the best is trained now beside it (pair 0).
// Every run is judged at its commit's usual speed when the night's repeats show how val_bpb
// follows the speed (decision/speed.ts): a fast minute on one side of a pair is not a gain.
import { Effect } from "effect"
import { commitSpeedRuns, commitThroughputs, judgeAtSpeed, speedGroups, type SpeedRun, throughputBand, tokensPerSecondOf } from "../decision/index.js"
import type { Decision, RunReport } from "../domain.js"
import type { WorkspaceError } from "../errors.js"
import type { TrainSpec } from "../services/trainer.js"
import type { Experiment, ExperimentEnded } from "./experiment.js"
import { trainSteady } from "./rerun-disturbed.js"
import { notice, type LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"

/** A successful run's val_bpb and speed. */
const speedRunOf = (report: RunReport | undefined): SpeedRun | undefined =>
  report?._tag === "Success" ? { valBpb: report.metrics.valBpb, tokensPerSecond: tokensPerSecondOf(report.metrics) } : undefined

const values = (runs: ReadonlyArray<SpeedRun>) => runs.map((run) => run.valBpb)

/** Pair k of experiment `id`: a seed of its own, the same for both sides (and on a resume). */
export const pairSeed = (id: number, k: number) => (id * 7919 + k * 104729) % 2_147_483_647

/** The best's latest runs that set the band a first run is compared with (a lasting load moves it). */
const BEST_BAND_RUNS = 5

/**
 * Whether the first run's verdict may be the machine's doing: a discard of a run slower than
 * the band of the best's runs, or a keep (without pairs) of one faster than it.
 */
const loadChangedTheVerdict = (verdict: { readonly _tag: string }, throughput: number | undefined, bestThroughputs: ReadonlyArray<number>) => {
  const band = throughputBand(bestThroughputs, { minRuns: 1 })
  if (throughput === undefined || band === undefined) return false
  return (verdict._tag === "Discard" && throughput < band.low) || (verdict._tag === "Keep" && throughput > band.high)
}

/** The run with every training seeded by `seed` (a trainer without seeds ignores it). */
const seeded = (run: LoopRun, seed: number): LoopRun => ({
  ...run,
  trainer: { ...run.trainer, run: (spec: TrainSpec) => run.trainer.run({ ...spec, seed } as TrainSpec) }
})

export const confirmPaired =
  (run: LoopRun, state: LoopState) =>
  (experiment: Experiment): Effect.Effect<Experiment, ExperimentEnded | WorkspaceError> =>
    Effect.gen(function* () {
      const best = state.best
      const first = experiment.report
      // A crash, or a simplification keep (equal within the margin, fewer lines), stands as decided.
      if (best?.metrics === undefined || first?._tag !== "Success" || /\bsimplification: /.test(experiment.decision?.reason ?? "")) return experiment
      let current = experiment
      const earlierHistory = commitSpeedRuns(state.records, best.commit)
      const history = earlierHistory.length > 0 ? earlierHistory : [{ valBpb: best.metrics.valBpb }]
      const candidate: Array<SpeedRun> = [speedRunOf(first)!]
      const bestReruns: Array<SpeedRun> = []
      const options = { minDelta: run.config.minDelta, z: run.config.noiseZ, maxConfirmations: run.config.maxConfirmations }
      const earlier = speedGroups(state.records)
      const judgeNow = () => judgeAtSpeed({ earlier, history, candidate, bestReruns }, options)
      let { verdict, slope } = judgeNow()
      let decision: Decision | undefined
      const firstThroughput = experiment.runs.findLast((sample) => sample.kind === "run" || sample.kind === "rerun" || sample.kind === "repair")?.throughput
      if (loadChangedTheVerdict(verdict, firstThroughput, commitThroughputs(state.records, best.commit).slice(-BEST_BAND_RUNS))) {
        yield* notice(run, `experiment ${experiment.id}: its run trained at another throughput than the best's runs (the load changed); training the best beside it`)
        yield* run.workspace.reset(best.commit)
        current = yield* trainSteady(run, state, current, "-best0", best.commit)
        const bestNow = speedRunOf(current.report)
        yield* run.workspace.reset(experiment.commit)
        if (bestNow !== undefined) {
          bestReruns.push(bestNow)
          ;({ verdict, slope } = judgeNow())
        }
      }
      while (verdict._tag === "Confirm") {
        const k = candidate.length
        const pair = seeded(run, pairSeed(experiment.id, k))
        current = yield* trainSteady(pair, state, current, `-confirm${k}`)
        const again = speedRunOf(current.report)
        yield* run.workspace.reset(best.commit)
        current = yield* trainSteady(pair, state, current, `-best${k}`, best.commit)
        const bestAgain = speedRunOf(current.report)
        yield* run.workspace.reset(experiment.commit)
        if (again === undefined || bestAgain === undefined) {
          decision = { status: "discard", reason: `a confirmation run crashed: ${verdict.reason}` }
          break
        }
        candidate.push(again)
        bestReruns.push(bestAgain)
        ;({ verdict, slope } = judgeNow())
      }
      const { evidence } = verdict
      return {
        ...current,
        report: first, // the record keeps the first run's metrics
        decision: decision ?? { status: verdict._tag === "Keep" ? "keep" : "discard", reason: verdict.reason },
        confirmation: candidate.length > 1 ? { valBpb: candidate.at(-1)!.valBpb, confirmed: verdict._tag === "Keep" && decision === undefined } : undefined,
        evidence: {
          candidateRuns: values(candidate),
          bestReruns: values(bestReruns),
          bestRuns: values(history),
          margin: evidence.margin,
          sigma: evidence.sigma,
          dof: evidence.dof,
          bar: evidence.bar,
          ...(slope !== undefined ? { speedSlope: slope } : {})
        }
      }
    })
