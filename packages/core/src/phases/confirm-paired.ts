// Confirm by the sequential test (config `maxConfirmations` > 0): the first run is judged
// against every run of the best; a gain within a few σ asks for a paired re-run (the
// candidate, then the best, back to back, with the same fresh seed) until the evidence decides. A first run whose
// throughput falls outside the band of recent runs was disturbed by load: it is re-run first.
import { Effect } from "effect"
import { isDisturbed, judge, pooledNoise, recentThroughputs, runsByCommit, throughputOf } from "../decision/index.js"
import type { Decision, RunReport } from "../domain.js"
import type { WorkspaceError } from "../errors.js"
import type { TrainSpec } from "../services/trainer.js"
import { type Experiment, type ExperimentEnded, unlessKilled } from "./experiment.js"
import { notice, type LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"
import { train } from "./train.js"

const valueOf = (report: RunReport | undefined) => (report?._tag === "Success" ? report.metrics.valBpb : undefined)

/** Pair k of experiment `id`: a seed of its own, the same for both sides (and on a resume). */
export const pairSeed = (id: number, k: number) => (id * 7919 + k * 104729) % 2_147_483_647

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
      if (best?.metrics === undefined || first?._tag !== "Success" || experiment.decision?.reason.startsWith("simplification")) return experiment
      let current = experiment
      const throughput = throughputOf(first.metrics)
      const disturbed = isDisturbed(throughput, recentThroughputs(state.records, 8, (r) => (r.metrics ? throughputOf(r.metrics) : undefined)))
      let firstValue = first.metrics.valBpb
      if (disturbed) {
        yield* notice(run, `experiment ${experiment.id}: its throughput is outside the band of recent runs (machine load?): re-running it before deciding`)
        current = yield* unlessKilled(run, yield* train(run, current, "-rerun"))
        firstValue = valueOf(current.report) ?? firstValue
      }
      const runs = runsByCommit(state.records)
      const history = runs.get(best.commit) ?? [best.metrics.valBpb]
      const candidate = [firstValue]
      const bestReruns: Array<number> = []
      const options = { minDelta: run.config.minDelta, z: run.config.noiseZ, maxConfirmations: run.config.maxConfirmations }
      const groups = () => [...[...runs].filter(([commit]) => commit !== best.commit).map(([, values]) => values), [...history, ...bestReruns], candidate]
      let verdict = judge(candidate, [...history, ...bestReruns], pooledNoise(groups()), options)
      let decision: Decision | undefined
      while (verdict._tag === "Confirm") {
        const k = candidate.length
        const pair = seeded(run, pairSeed(experiment.id, k))
        current = yield* unlessKilled(run, yield* train(pair, current, `-confirm${k}`))
        const again = valueOf(current.report)
        yield* run.workspace.reset(best.commit)
        current = yield* unlessKilled(run, yield* train(pair, current, `-best${k}`, best.commit))
        const bestAgain = valueOf(current.report)
        yield* run.workspace.reset(experiment.commit)
        if (again === undefined || bestAgain === undefined) {
          decision = { status: "discard", reason: `a confirmation run crashed: ${verdict.reason}` }
          break
        }
        candidate.push(again)
        bestReruns.push(bestAgain)
        verdict = judge(candidate, [...history, ...bestReruns], pooledNoise(groups()), options)
      }
      const { evidence } = verdict
      return {
        ...current,
        report: first, // the record keeps the first run's metrics
        decision: decision ?? { status: verdict._tag === "Keep" ? "keep" : "discard", reason: verdict.reason },
        confirmation: candidate.length > 1 ? { valBpb: candidate.at(-1), confirmed: verdict._tag === "Keep" && decision === undefined } : undefined,
        evidence: {
          candidateRuns: candidate,
          bestReruns,
          bestRuns: evidence.best,
          margin: evidence.margin,
          sigma: evidence.sigma,
          dof: evidence.dof,
          bar: evidence.bar,
          ...(throughput !== undefined ? { throughput, disturbed } : {})
        }
      }
    })
