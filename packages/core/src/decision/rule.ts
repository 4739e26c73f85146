// The keep rule as a sequential test, pure data in and out. One run of a candidate is compared
// with every run of the best so far; a clear win stands, a clear loss goes, and anything in
// between asks for a paired re-run (the candidate and the best, both with the same fresh seed)
// until the evidence decides or the re-runs are used up. Once pairs exist the decision rests on
// them alone: a pair runs back to back under the same load, while the best's earlier runs (and
// the candidate's first) may have run under another, and a change of load is not a gain.
import { mean, type NoiseEstimate, tQuantile } from "./noise.js"

/** The settings of the sequential decision: minDelta, the bars in standard errors, the re-runs allowed. */
export interface RuleOptions {
  /** Smallest gain worth keeping, in val_bpb (config `minDelta`). */
  readonly minDelta: number
  /** The bar for a keep, in standard errors (one-sided normal quantile). Default 2. */
  readonly z?: number
  /** A first run whose gain exceeds this many standard errors stands without confirmation. Default 4. */
  readonly clearZ?: number
  /** A first run whose gain is below this many standard errors is discarded at once. Default 0.5. */
  readonly enterZ?: number
  /** Paired re-runs allowed per decision. Default 3. */
  readonly maxConfirmations?: number
}

/** What a decision rests on: the runs of the candidate and the best, the margin, the noise and the bar. */
export interface Evidence {
  /** val_bpb of every run of the candidate (the first, then its confirmations). */
  readonly candidate: ReadonlyArray<number>
  /** val_bpb of the best's runs before this decision. */
  readonly best: ReadonlyArray<number>
  /**
   * val_bpb of the best's paired re-runs: pair k is `candidate[k]` and `bestReruns[k − 1]`, or
   * `bestReruns[k]` when the first run was paired too (then there is one more).
   */
  readonly bestReruns: ReadonlyArray<number>
  /**
   * The gain beyond the smallest worth keeping, minus minDelta: before any pair, mean(best) −
   * candidate[0]; with pairs, the mean paired difference (the best's re-runs minus the
   * candidate's runs that have a partner).
   */
  readonly margin: number
  /** The run-to-run noise used, and its degrees of freedom. */
  readonly sigma: number
  readonly dof: number
  /**
   * Standard error of the margin: σ·√(1 + 1/n_best) for the first run, σ·√(2/pairs) with pairs;
   * with extra noise (`ExtraNoise`: p per candidate run, m on the margin), √(σ²(1 + 1/n_best) +
   * p + m) and √((2σ² + p)/pairs + m).
   */
  readonly standardError: number
  /** The margin a keep needed (t(z, dof) × standard error). */
  readonly bar: number
}

/** The decision on a candidate: keep, discard, or re-run both once more. */
export type Verdict =
  | { readonly _tag: "Keep"; readonly reason: string; readonly evidence: Evidence }
  | { readonly _tag: "Discard"; readonly reason: string; readonly evidence: Evidence }
  /** Re-run the candidate and the best once more, with the same fresh seed, then judge again. */
  | { readonly _tag: "Confirm"; readonly reason: string; readonly evidence: Evidence }

/** Noise beyond σ, as variances (judging at equal speed, decision/judge-at-speed.ts). */
export interface ExtraNoise {
  /** Carried by each candidate run: the part of its speed that cannot be told from luck. */
  readonly perRun?: number
  /** Carried by the margin as a whole, however many pairs: the error of the speed slope. */
  readonly onMargin?: number
}

/**
 * Which runs the margin compares: before any pair, the candidate's first run with the best's
 * runs so far; then `pairs` of the candidate's runs from `first` on with as many of the best's
 * re-runs (`first` 0 when the first run was paired too).
 */
export const pairing = (candidateRuns: number, bestReruns: number): { readonly first: number; readonly pairs: number } =>
  bestReruns >= candidateRuns ? { first: 0, pairs: candidateRuns } : { first: 1, pairs: Math.max(0, Math.min(candidateRuns - 1, bestReruns)) }

const fmt = (x: number) => x.toFixed(4)

/**
 * Judges a candidate against the best. `candidate` holds its first run then its confirmation
 * runs; `best` the best's runs before this decision; `bestReruns` the best's paired re-runs: one
 * per confirmation, or one more when the first run was paired too (the loop re-runs the best
 * beside a first run taken under another load). An unpaired first run is screened against
 * `best`; once there are pairs only the pairs count (`pairing`). `extra`: noise beyond σ.
 */
export const judge = (
  candidate: ReadonlyArray<number>,
  best: ReadonlyArray<number>,
  noise: NoiseEstimate,
  options: RuleOptions,
  bestReruns: ReadonlyArray<number> = [],
  extra: ExtraNoise = {}
): Verdict => {
  const z = options.z ?? 2
  const clearZ = options.clearZ ?? 4
  const enterZ = options.enterZ ?? 0.5
  const maxConfirmations = options.maxConfirmations ?? 3
  const confirmations = candidate.length - 1
  const { first, pairs } = pairing(candidate.length, bestReruns.length)
  const paired = candidate.slice(first, first + pairs)
  const margin = pairs > 0 ? mean(bestReruns.slice(0, pairs)) - mean(paired) - options.minDelta : mean(best) - candidate[0]! - options.minDelta
  // σ measured as 0 over repeated runs is a deterministic trainer: then one run does decide.
  const known = noise.dof > 0
  const variance = noise.std ** 2
  const perRun = extra.perRun ?? 0
  const onMargin = extra.onMargin ?? 0
  const standardError = !known ? 0 : pairs > 0 ? Math.sqrt((2 * variance + perRun) / pairs + onMargin) : Math.sqrt(variance * (1 + 1 / best.length) + perRun + onMargin)
  const t = (q: number) => tQuantile(q, noise.dof)
  const bar = t(z) * standardError
  const evidence: Evidence = { candidate, best, bestReruns, margin, sigma: noise.std, dof: noise.dof, standardError, bar }
  const left = confirmations < maxConfirmations
  const runs = pairs > 0 ? `${pairs} pair(s)` : `1 run vs ${best.length}`
  const facts = `margin ${fmt(margin)}, σ ${fmt(noise.std)} (${noise.dof} dof), needed ${fmt(bar)}; ${runs}`

  if (margin <= 0) return { _tag: "Discard", reason: `no gain: ${facts}`, evidence }
  // Without a noise estimate nothing can be told from one run: confirm, which also measures σ.
  if (!known) {
    return left
      ? { _tag: "Confirm", reason: `gain with no noise estimate yet: ${facts}`, evidence }
      : { _tag: "Keep", reason: `gain over every re-run, noise unmeasurable: ${facts}`, evidence }
  }
  if (confirmations === 0) {
    if (margin > t(clearZ) * standardError) return { _tag: "Keep", reason: `clear gain: ${facts}`, evidence }
    if (margin <= t(enterZ) * standardError) return { _tag: "Discard", reason: `gain within the noise: ${facts}`, evidence }
    return { _tag: "Confirm", reason: `gain within a few σ, confirming: ${facts}`, evidence }
  }
  if (margin > bar) return { _tag: "Keep", reason: `confirmed gain: ${facts}`, evidence }
  return left
    ? { _tag: "Confirm", reason: `not decided yet, confirming again: ${facts}`, evidence }
    : { _tag: "Discard", reason: `not confirmed: ${facts}`, evidence }
}
