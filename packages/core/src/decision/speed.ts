// A wall-clock budget turns the machine's speed into val_bpb: a run that trains 10 % fewer
// tokens a second scores about 0.05 worse, and on a shared machine the speed of one model moves
// by 20 % from one minute to the next (docs/loop.md, run 3). Within the repeated runs of one
// configuration, val_bpb is regressed on ln(tokens/s); when the night's own repeats show the
// slope clearly, every run of a decision is put at its commit's usual speed before the rule
// judges it, and the noise is what is left at equal speed.
import type { ExperimentRecord, RunSample } from "../domain.js"
import { median, type NoiseEstimate, pooledNoise, tQuantile } from "./noise.js"
import { runsByCommit } from "./runs.js"

/** One run's val_bpb and, when the trainer counts tokens, its speed. */
export interface SpeedRun {
  readonly valBpb: number
  readonly tokensPerSecond?: number | undefined
}

/** How val_bpb follows the speed within repeated runs, and the noise around that. */
export interface SpeedFit {
  /** d val_bpb / d ln(tokens/s), pooled within groups; 0 when too few runs show it clearly. */
  readonly slope: number
  /** The slope's standard error (0 with the slope 0): runs put at another speed carry its error. */
  readonly slopeError: number
  /** The run-to-run noise of val_bpb at equal speed (the plain noise when the slope is 0). */
  readonly noise: NoiseEstimate
  /** The run-to-run noise of val_bpb as measured. */
  readonly plainNoise: NoiseEstimate
  /** The run-to-run noise of ln(tokens/s) within groups. */
  readonly speedNoise: NoiseEstimate
}

/** Fewer within-group degrees of freedom than this fit no slope. */
const MIN_DOF = 3
/** The slope must be this many standard errors below 0 to be used (as a t quantile on its dof). */
const SLOPE_Z = 2
/** A slope steeper than this is a fit to noise (val_bpb falls about 0.3–0.6 per e-fold of tokens). */
const MAX_SLOPE = 1
/** A candidate within this many standard errors of the best's usual speed is taken to have it. */
const SAME_SPEED_Z = 2

/** Whether a run carries a usable speed (a trainer that counts no tokens leaves it out). */
export const hasSpeed = (run: SpeedRun): run is SpeedRun & { readonly tokensPerSecond: number } =>
  run.tokensPerSecond !== undefined && Number.isFinite(run.tokensPerSecond) && run.tokensPerSecond > 0

/**
 * The pooled within-group regression of val_bpb on ln(tokens/s) (groups of one configuration's
 * repeated runs). Groups with a run of unknown speed count in the noise as they are.
 */
export const fitSpeed = (groups: ReadonlyArray<ReadonlyArray<SpeedRun>>): SpeedFit => {
  const plain = pooledNoise(groups.map((group) => group.map((run) => run.valBpb)))
  const timed = groups.filter((group) => group.length >= 2 && group.every(hasSpeed))
  const speedNoise = pooledNoise(timed.map((group) => group.map((run) => Math.log(run.tokensPerSecond!))))
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (const group of timed) {
    const my = group.reduce((sum, run) => sum + run.valBpb, 0) / group.length
    const mx = group.reduce((sum, run) => sum + Math.log(run.tokensPerSecond!), 0) / group.length
    for (const run of group) {
      const dx = Math.log(run.tokensPerSecond!) - mx
      sxx += dx * dx
      sxy += dx * (run.valBpb - my)
      syy += (run.valBpb - my) ** 2
    }
  }
  const dof = speedNoise.dof
  if (dof < MIN_DOF || sxx <= 0) return { slope: 0, slopeError: 0, noise: plain, plainNoise: plain, speedNoise }
  const slope = sxy / sxx
  const residual = Math.max(0, syy - slope * sxy)
  const slopeError = Math.sqrt(residual / (dof - 1) / sxx)
  if (!(slope < -tQuantile(SLOPE_Z, dof - 1) * slopeError) || slope < -MAX_SLOPE) return { slope: 0, slopeError: 0, noise: plain, plainNoise: plain, speedNoise }
  // The timed groups' squares shrink to the residual (one dof spent on the slope); the rest stay.
  const squares = plain.std ** 2 * plain.dof - syy + residual
  const noiseDof = plain.dof - 1
  return { slope, slopeError, noise: { std: Math.sqrt(Math.max(0, squares) / noiseDof), dof: noiseDof }, plainNoise: plain, speedNoise }
}

/** A commit's usual speed: the median ln(tokens/s) of its runs (undefined when none has a speed). */
export const usualLogSpeed = (runs: ReadonlyArray<SpeedRun>): number | undefined => {
  const speeds = runs.filter(hasSpeed).map((run) => Math.log(run.tokensPerSecond))
  return speeds.length > 0 ? median(speeds) : undefined
}

/** The speed a candidate's runs are put at, and the noise each of them keeps beyond σ. */
export interface CandidateSpeed {
  readonly logSpeed: number | undefined
  readonly extraVariance: number
}

/**
 * The speed to hold a candidate to: the best's usual speed, unless its runs are told apart from
 * it by more than 2 standard errors of the speed noise (a smaller or faster model trains faster,
 * and that is part of its gain). Then the mean of its own runs, and since that mean holds the
 * luck of their minutes as well, each run keeps slope² × the speed noise's variance as noise.
 */
export const candidateSpeed = (candidate: ReadonlyArray<SpeedRun>, best: ReadonlyArray<SpeedRun>, fit: SpeedFit): CandidateSpeed => {
  const timed = candidate.filter(hasSpeed)
  const bests = usualLogSpeed(best)
  if (timed.length === 0 || bests === undefined) return { logSpeed: undefined, extraVariance: 0 }
  const meanLog = timed.reduce((sum, run) => sum + Math.log(run.tokensPerSecond), 0) / timed.length
  const standardError = fit.speedNoise.std * Math.sqrt(1 / timed.length + 1 / best.filter(hasSpeed).length)
  if (fit.speedNoise.dof > 0 && Math.abs(meanLog - bests) <= SAME_SPEED_Z * standardError) return { logSpeed: bests, extraVariance: 0 }
  return { logSpeed: meanLog, extraVariance: (fit.slope * fit.speedNoise.std) ** 2 }
}

/** val_bpb of each run at the usual speed `logSpeed` (a run of unknown speed, or slope 0, as it is). */
export const atSpeed = (runs: ReadonlyArray<SpeedRun>, slope: number, logSpeed: number | undefined): Array<number> =>
  runs.map((run) => (slope !== 0 && logSpeed !== undefined && hasSpeed(run) ? run.valBpb - slope * (Math.log(run.tokensPerSecond) - logSpeed) : run.valBpb))

const steady = (sample: RunSample): sample is RunSample & { readonly valBpb: number } => sample.disturbed !== true && sample.valBpb !== undefined
const ownKinds = new Set(["run", "rerun", "repair", "confirm", "noise"])
const toSpeedRun = (sample: RunSample & { readonly valBpb: number }): SpeedRun => ({ valBpb: sample.valBpb, tokensPerSecond: sample.tokensPerSecond })

/**
 * The groups of repeated runs the noise is pooled over, with their speeds: each decision's runs
 * of the candidate and its re-runs of the best apart, and the baseline's repeats. A commit's
 * runs from different hours stay in different groups, so a change of machine load between them
 * is not read as noise. A record from before runs kept their speeds gives its values without.
 */
export const speedGroups = (records: ReadonlyArray<ExperimentRecord>): Array<ReadonlyArray<SpeedRun>> =>
  records.flatMap((record): Array<ReadonlyArray<SpeedRun>> => {
    const repeated = record.evidence !== undefined || (record.baseline && record.noise !== undefined)
    if (!repeated) return []
    if (record.runs === undefined) {
      const values = record.evidence !== undefined ? [record.evidence.candidateRuns, record.evidence.bestReruns] : [record.noise!.samples]
      return values.map((group) => group.map((valBpb) => ({ valBpb })))
    }
    const runs = record.runs.filter(steady)
    return [runs.filter((sample) => ownKinds.has(sample.kind)).map(toSpeedRun), runs.filter((sample) => sample.kind === "best").map(toSpeedRun)]
  })

/**
 * Every steady run of `commit` in the records with its speed: its own runs and its re-runs as
 * the best beside later candidates. From records without runs, the values of `runsByCommit`.
 */
export const commitSpeedRuns = (records: ReadonlyArray<ExperimentRecord>, commit: string): Array<SpeedRun> => {
  const timed = records.flatMap((record) =>
    (record.runs ?? []).filter(steady).flatMap((sample) =>
      (sample.kind === "best" ? record.parent === commit : record.commit === commit && ownKinds.has(sample.kind)) ? [toSpeedRun(sample)] : []
    )
  )
  return timed.length > 0 ? timed : (runsByCommit(records).get(commit) ?? []).map((valBpb) => ({ valBpb }))
}
