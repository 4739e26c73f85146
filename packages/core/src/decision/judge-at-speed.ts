// One decision judged at equal speed (speed.ts): the slope fitted on the night's repeats and
// this decision's runs, every run put at its commit's usual speed, then the sequential rule
// (rule.ts). What the confirm phase calls after each run, and what a replay of records calls.
import { mean } from "./noise.js"
import { judge, pairing, type RuleOptions, type Verdict } from "./rule.js"
import { atSpeed, candidateSpeed, fitSpeed, hasSpeed, type SpeedRun, usualLogSpeed } from "./speed.js"

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

/** How far, on average, runs are moved along the speed axis to `logSpeed` (runs of unknown speed stay). */
const shift = (runs: ReadonlyArray<SpeedRun>, logSpeed: number | undefined): number =>
  logSpeed === undefined || runs.length === 0 ? 0 : mean(runs.map((run) => (hasSpeed(run) ? Math.log(run.tokensPerSecond) - logSpeed : 0)))

/**
 * The variance the slope's own error puts on the margin: the runs compared are moved along the
 * speed axis by different amounts, and an error in the slope moves their difference with it,
 * the same for every pair (so more pairs do not shrink it).
 */
const slopeVariance = (input: SpeedDecisionInput, slopeError: number, candidateSpeed: number | undefined, bestSpeed: number | undefined): number => {
  const { first, pairs } = pairing(input.candidate.length, input.bestReruns.length)
  const candidate = pairs > 0 ? input.candidate.slice(first, first + pairs) : input.candidate.slice(0, 1)
  const best = pairs > 0 ? input.bestReruns.slice(0, pairs) : input.history
  return (slopeError * (shift(candidate, candidateSpeed) - shift(best, bestSpeed))) ** 2
}

/**
 * Judges a candidate with every run at its commit's usual speed when the night's repeats show a
 * clear slope (as measured otherwise). One run cannot tell a faster model from a fast minute, so
 * an unpaired screen stands only where the runs as measured agree with it; otherwise it confirms.
 */
export const judgeAtSpeed = (input: SpeedDecisionInput, options: RuleOptions): SpeedVerdict => {
  const { earlier, history, candidate, bestReruns } = input
  const fit = fitSpeed([...earlier, bestReruns, candidate])
  const bests = [...history, ...bestReruns]
  const bestSpeed = usualLogSpeed(bests)
  const own = candidateSpeed(candidate, bests, fit)
  const extra = { perRun: own.extraVariance, onMargin: slopeVariance(input, fit.slopeError, own.logSpeed, bestSpeed) }
  const verdict = judge(atSpeed(candidate, fit.slope, own.logSpeed), atSpeed(history, fit.slope, bestSpeed), fit.noise, options, atSpeed(bestReruns, fit.slope, bestSpeed), extra)
  if (fit.slope === 0) return { verdict, slope: undefined }
  const atEqualSpeed = `at equal speed (${fit.slope.toFixed(3)} val_bpb per e-fold of tokens/s)`
  const asMeasured = candidate.length === 1 && bestReruns.length === 0 ? judge(values(candidate), values(history), fit.plainNoise, options) : undefined
  if (asMeasured !== undefined && verdict._tag !== "Confirm" && asMeasured._tag !== verdict._tag && (options.maxConfirmations ?? 3) > 0) {
    const reason = `screens disagree (${verdict._tag.toLowerCase()} ${atEqualSpeed}, ${asMeasured._tag.toLowerCase()} as measured), confirming: ${verdict.reason}`
    return { verdict: { _tag: "Confirm", reason, evidence: verdict.evidence }, slope: fit.slope }
  }
  return { verdict: { ...verdict, reason: `${verdict.reason}; ${atEqualSpeed}` }, slope: fit.slope }
}
