// The noise of one training run, estimated from every repeated configuration of the run so far
// (the baseline's repeats, re-runs of the best, confirmation runs): the estimate sharpens as
// the night goes on instead of freezing after the first few baseline runs.

/** The run-to-run noise of val_bpb and the degrees of freedom behind it. */
export interface NoiseEstimate {
  /** Pooled within-configuration standard deviation of val_bpb; 0 when unknown. */
  readonly std: number
  /** Degrees of freedom behind `std` (samples − groups); 0 when unknown. */
  readonly dof: number
}

/**
 * Pooled standard deviation over groups of runs of the same configuration (each group's
 * squares around its own mean, divided by samples − groups). Groups of one add nothing.
 */
export const pooledNoise = (groups: ReadonlyArray<ReadonlyArray<number>>): NoiseEstimate => {
  let squares = 0
  let dof = 0
  for (const group of groups) {
    if (group.length < 2) continue
    const mean = group.reduce((a, b) => a + b, 0) / group.length
    for (const value of group) squares += (value - mean) ** 2
    dof += group.length - 1
  }
  return dof === 0 ? { std: 0, dof: 0 } : { std: Math.sqrt(squares / dof), dof }
}

/**
 * Student's t quantile for the normal quantile `z` and `dof` degrees of freedom (the
 * Cornish-Fisher expansion, Abramowitz & Stegun 26.7.5): a σ measured from few runs is itself
 * uncertain, so the bar is higher than z while the estimate is young.
 */
export const tQuantile = (z: number, dof: number): number => {
  if (!Number.isFinite(dof) || dof > 1e6) return z
  const v = Math.max(dof, 1)
  const z3 = z ** 3
  const z5 = z ** 5
  const z7 = z ** 7
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v ** 3)
}

/** The arithmetic mean (NaN for no values). */
export const mean = (values: ReadonlyArray<number>): number => values.reduce((a, b) => a + b, 0) / values.length

/** The median (NaN for no values). */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
