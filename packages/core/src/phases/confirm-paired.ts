// Confirm by the sequential test (config `maxConfirmations` > 0): the first run is judged
// against every run of the best; a gain within a few σ asks for a paired re-run (the
// candidate, then the best, back to back, with the same fresh seed) until the pairs decide. A
// confirmation run disturbed by load is re-run (rerun-disturbed.ts), as the first run was.
import { Effect } from "effect"
import { judge, pooledNoise, runsByCommit } from "../decision/index.js"
import type { Decision, RunReport } from "../domain.js"
import type { WorkspaceError } from "../errors.js"
import type { TrainSpec } from "../services/trainer.js"
import type { Experiment, ExperimentEnded } from "./experiment.js"
import { trainSteady } from "./rerun-disturbed.js"
import type { LoopRun } from "./run-context.js"
import type { LoopState } from "./state.js"

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
      if (best?.metrics === undefined || first?._tag !== "Success" || /\bsimplification: /.test(experiment.decision?.reason ?? "")) return experiment
      let current = experiment
      const runs = runsByCommit(state.records)
      const history = runs.get(best.commit) ?? [best.metrics.valBpb]
      const candidate = [first.metrics.valBpb]
      const bestReruns: Array<number> = []
      const options = { minDelta: run.config.minDelta, z: run.config.noiseZ, maxConfirmations: run.config.maxConfirmations }
      const groups = () => [...[...runs].filter(([commit]) => commit !== best.commit).map(([, values]) => values), [...history, ...bestReruns], candidate]
      let verdict = judge(candidate, history, pooledNoise(groups()), options)
      let decision: Decision | undefined
      while (verdict._tag === "Confirm") {
        const k = candidate.length
        const pair = seeded(run, pairSeed(experiment.id, k))
        current = yield* trainSteady(pair, state, current, `-confirm${k}`)
        const again = valueOf(current.report)
        yield* run.workspace.reset(best.commit)
        current = yield* trainSteady(pair, state, current, `-best${k}`, best.commit)
        const bestAgain = valueOf(current.report)
        yield* run.workspace.reset(experiment.commit)
        if (again === undefined || bestAgain === undefined) {
          decision = { status: "discard", reason: `a confirmation run crashed: ${verdict.reason}` }
          break
        }
        candidate.push(again)
        bestReruns.push(bestAgain)
        verdict = judge(candidate, history, pooledNoise(groups()), options, bestReruns)
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
          bar: evidence.bar
        }
      }
    })
