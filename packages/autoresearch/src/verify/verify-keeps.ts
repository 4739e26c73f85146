// `autoresearch verify`: do the keeps of a run reproduce? Each kept commit and its parent are
// re-trained with the same fresh seeds (repeat r of both uses seed r: a paired comparison), and
// each keep is judged on the gain's size against the pooled run-to-run noise.
import { type ExperimentRecord, mean, pooledNoise, tQuantile } from "@autoresearch/core"

export type Reproduction = "reproduces" | "unclear" | "false"

export interface KeepCheck {
  readonly id: number
  readonly description: string
  readonly commit: string
  readonly parent: string
  /** val_bpb of each repeat (crashed repeats are left out). */
  readonly commitRuns: ReadonlyArray<number>
  readonly parentRuns: ReadonlyArray<number>
  readonly commitMean: number | null
  readonly parentMean: number | null
  readonly commitStd: number | null
  readonly parentStd: number | null
  /** mean(parent) − mean(commit): positive when the keep is better. */
  readonly gain: number | null
  /**
   * `reproduces`: the gain exceeds the one-sided 95 % bar (t × standard error);
   * `false`: no gain at all (the kept commit is not better on average); `unclear`: in between.
   */
  readonly verdict: Reproduction
}

export interface VerifyReport {
  readonly tag: string
  readonly repeats: number
  readonly seeds: ReadonlyArray<number>
  readonly budgetSeconds: number
  /** Pooled run-to-run std over every re-trained commit, and its degrees of freedom. */
  readonly sigma: number
  readonly dof: number
  readonly checks: ReadonlyArray<KeepCheck>
  readonly reproduced: number
  readonly falseKeeps: number
  readonly verifiedAt: string
}

/** Trains `commit` once with `seed`: its val_bpb, or undefined when the run crashed. */
export type TrainCommit = (commit: string, seed: number) => Promise<number | undefined>

const std = (values: ReadonlyArray<number>): number | null => {
  if (values.length < 2) return null
  const m = mean(values)
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1))
}

/** The kept changes of a run (the baseline is not a change). */
export const keptChanges = (records: ReadonlyArray<ExperimentRecord>): ReadonlyArray<ExperimentRecord> =>
  records.filter((record) => record.status === "keep" && !record.baseline && record.commit !== record.parent)

/** Judges one keep from its runs and the run's pooled noise. */
export const judgeKeep = (commitRuns: ReadonlyArray<number>, parentRuns: ReadonlyArray<number>, sigma: number, dof: number): Reproduction => {
  if (commitRuns.length === 0 || parentRuns.length === 0) return "unclear"
  const gain = mean(parentRuns) - mean(commitRuns)
  if (gain <= 0) return "false"
  if (dof === 0 || sigma === 0) return "unclear"
  const standardError = sigma * Math.sqrt(1 / commitRuns.length + 1 / parentRuns.length)
  return gain > tQuantile(1.6449, dof) * standardError ? "reproduces" : "unclear"
}

/**
 * Re-trains every kept commit and its parent once per seed (a commit shared by two keeps, the
 * child of one and the parent of the next, is trained once per seed) and judges each keep.
 */
export const verifyKeeps = async (
  tag: string,
  records: ReadonlyArray<ExperimentRecord>,
  seeds: ReadonlyArray<number>,
  budgetSeconds: number,
  train: TrainCommit
): Promise<VerifyReport> => {
  const keeps = keptChanges(records)
  const runs = new Map<string, Array<number>>()
  // Repeat-major order: an interrupted verify still has every commit measured about equally.
  const commits = [...new Set(keeps.flatMap((keep) => [keep.parent, keep.commit]))]
  for (const seed of seeds) {
    for (const commit of commits) {
      const value = await train(commit, seed)
      if (!runs.has(commit)) runs.set(commit, [])
      if (value !== undefined && Number.isFinite(value)) runs.get(commit)!.push(value)
    }
  }
  const noise = pooledNoise([...runs.values()])
  const checks = keeps.map((keep): KeepCheck => {
    const commitRuns = runs.get(keep.commit) ?? []
    const parentRuns = runs.get(keep.parent) ?? []
    const commitMean = commitRuns.length > 0 ? mean(commitRuns) : null
    const parentMean = parentRuns.length > 0 ? mean(parentRuns) : null
    return {
      id: keep.id,
      description: keep.description,
      commit: keep.commit,
      parent: keep.parent,
      commitRuns,
      parentRuns,
      commitMean,
      parentMean,
      commitStd: std(commitRuns),
      parentStd: std(parentRuns),
      gain: commitMean !== null && parentMean !== null ? parentMean - commitMean : null,
      verdict: judgeKeep(commitRuns, parentRuns, noise.std, noise.dof)
    }
  })
  return {
    tag,
    repeats: seeds.length,
    seeds,
    budgetSeconds,
    sigma: noise.std,
    dof: noise.dof,
    checks,
    reproduced: checks.filter((check) => check.verdict === "reproduces").length,
    falseKeeps: checks.filter((check) => check.verdict === "false").length,
    verifiedAt: new Date().toISOString()
  }
}
