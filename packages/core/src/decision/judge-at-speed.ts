// One decision judged at equal speed (speed.ts): the slope fitted on the night's repeats and
// this decision's runs, every run put at its commit's usual speed, then the sequential rule
// (rule.ts). What the confirm phase calls after each run, and what a replay of records calls.
import { judge, type RuleOptions, type Verdict } from "./rule.js"
import { atSpeed, candidateSpeed, fitSpeed, type SpeedRun, usualLogSpeed } from "./speed.js"

/** The runs a decision rests on, with their speeds. */
export interface SpeedDecisionInput {
  /** The night's earlier groups of repeated runs (`speedGroups(records)`). */
  readonly earlier: ReadonlyArray<ReadonlyArray<SpeedRun>>
  /** The best's runs before this decision (`commitSpeedRuns(records, best)`). */
  readonly history: ReadonlyArray<SpeedRun>
  /** The candidate's first run, then its confirmations. */
  readonly candidate: ReadonlyArray<SpeedRun>
  /** The best's paired re-runs in this decision. */
  readonly bestReruns: ReadonlyArray<SpeedRun>
}

/** The verdict, and the slope it was judged at (undefined: as measured). */
export interface SpeedVerdict {
  readonly verdict: Verdict
  readonly slope: number | undefined
}

const values = (runs: ReadonlyArray<SpeedRun>) => runs.map((run) => run.valBpb)

/**
 * Judges a candidate with every run at its commit's usual speed when the night's repeats show a
 * clear slope (as measured otherwise). One run cannot tell a faster model from a fast minute, so
 * an unpaired screen stands only where the runs as measured agree with it; otherwise it confirms.
 */
export const judgeAtSpeed = ({ earlier, history, candidate, bestReruns }: SpeedDecisionInput, options: RuleOptions): SpeedVerdict => {
  const fit = fitSpeed([...earlier, bestReruns, candidate])
  const bests = [...history, ...bestReruns]
  const bestSpeed = usualLogSpeed(bests)
  const own = candidateSpeed(candidate, bests, fit)
  const verdict = judge(atSpeed(candidate, fit.slope, own.logSpeed), atSpeed(history, fit.slope, bestSpeed), fit.noise, options, atSpeed(bestReruns, fit.slope, bestSpeed), own.extraVariance)
  if (fit.slope === 0) return { verdict, slope: undefined }
  const atEqualSpeed = `at equal speed (${fit.slope.toFixed(3)} val_bpb per e-fold of tokens/s)`
  const asMeasured = candidate.length === 1 && bestReruns.length === 0 ? judge(values(candidate), values(history), fit.plainNoise, options) : undefined
  if (asMeasured !== undefined && verdict._tag !== "Confirm" && asMeasured._tag !== verdict._tag && (options.maxConfirmations ?? 3) > 0) {
    const reason = `screens disagree (${verdict._tag.toLowerCase()} ${atEqualSpeed}, ${asMeasured._tag.toLowerCase()} as measured), confirming: ${verdict.reason}`
    return { verdict: { _tag: "Confirm", reason, evidence: verdict.evidence }, slope: fit.slope }
  }
  return { verdict: { ...verdict, reason: `${verdict.reason}; ${atEqualSpeed}` }, slope: fit.slope }
}
