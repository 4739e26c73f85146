// The unit of distributed work: one training run of one commit. Everything that crosses the
// queue or the database is decoded through these Schemas: a worker trusts nothing it reads.
import { createHash } from "node:crypto"
import { FileEdit, RunReport } from "@autoresearch/core"
import { Schema } from "effect"

/** The queue's id column is VARCHAR(36): every job id fits, whatever the tag's length. */
export const MAX_JOB_ID_LENGTH = 36

export const JobId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(MAX_JOB_ID_LENGTH))

/**
 * The job id of a training of experiment `experiment` of run `tag`, the same every time it is
 * computed, so a coordinator that restarts offers the same id again and the queue keeps one
 * copy. `variant` tells apart the trainings of one experiment (its noise repeats, repairs,
 * confirmations, a re-training on a newer best): the coordinator passes the run's name, commit
 * and seed, so the same training of the same commit is always the same job.
 */
export const jobIdOf = (tag: string, experiment: number, variant?: string): string => {
  const tagHash = createHash("sha256").update(tag).digest("hex").slice(0, 12)
  const id = variant === undefined ? `${tagHash}-${experiment}` : `${tagHash}-${experiment}.${createHash("sha256").update(variant).digest("hex").slice(0, 10)}`
  if (id.length > MAX_JOB_ID_LENGTH) throw new Error(`job id ${id} is longer than ${MAX_JOB_ID_LENGTH} characters`)
  return id
}

/** The queue every worker serves; the job names its run. */
export const TRAIN_QUEUE = "autoresearch.train"

export const TrainJob = Schema.Struct({
  id: JobId,
  tag: Schema.String,
  /** The experiment number in the run (1-based; the baseline is 1). */
  experiment: Schema.Number,
  /** The full commit hash to train; the worker fetches it from the remote. */
  commit: Schema.String,
  /** The ref on the remote that holds the commit, e.g. refs/autoresearch/<tag>/<n>. */
  ref: Schema.String,
  /** The canvas files (relative paths) and their hash at the commit (canvasHashOf). */
  canvasFiles: Schema.Array(Schema.String),
  /** The worker refuses a checkout whose canvas hashes otherwise. */
  canvasHash: Schema.String,
  /** The workspace's prepared profile; a worker refuses a commit recorded for another one. */
  profile: Schema.optional(Schema.String),
  budgetSeconds: Schema.Number,
  /** Which training of the experiment this is, e.g. `7` or `7-confirm1` (names the logs). */
  run: Schema.optional(Schema.String),
  /** Seeds the training (paired confirmations use a fresh seed per pair). */
  seed: Schema.optional(Schema.Number),
  /** The wall-clock deadline of the run on the worker (the loop's runDeadlineSeconds). */
  deadlineSeconds: Schema.optional(Schema.Number),
  /**
   * The experiment's proposal, as the coordinator needs it to resume the experiment after a
   * restart (kept with every job of the experiment; absent for the baseline). Workers ignore it.
   */
  proposal: Schema.optional(
    Schema.Struct({
      description: Schema.String,
      /** The best commit the experiment was built on. */
      parent: Schema.String,
      edits: Schema.Array(FileEdit),
      /** null: the agent's spend is unknown (no price for its model). */
      costUsd: Schema.NullOr(Schema.Number),
      agentMs: Schema.Number,
      proposedAt: Schema.String,
      transcript: Schema.optional(Schema.String),
      /** Set on a re-training: the older best the change was first built on. */
      rebasedFrom: Schema.optional(Schema.String),
      /** How often the change was re-applied onto a newer best (0: as proposed). */
      round: Schema.optional(Schema.Number)
    })
  )
})
export type TrainJob = typeof TrainJob.Type

/** What a worker wrote back for one job (exactly one per job, whatever the retries). */
export const JobResult = Schema.Struct({
  jobId: JobId,
  tag: Schema.String,
  experiment: Schema.Number,
  worker: Schema.String,
  report: RunReport,
  /** The last lines of the run's log (at most 50). */
  logTail: Schema.String,
  /** How many times the job was claimed before this result: more than 1 means workers died. */
  claims: Schema.Number,
  startedAt: Schema.String,
  finishedAt: Schema.String
})
export type JobResult = typeof JobResult.Type

/** One claim of a job by a worker: the timeline the dashboard draws. */
export const JobClaim = Schema.Struct({
  jobId: JobId,
  claim: Schema.Number,
  worker: Schema.String,
  claimedAt: Schema.String
})
export type JobClaim = typeof JobClaim.Type

/** sha256 over the canvas files, in path order, as the worker recomputes it. */
export const canvasHashOf = (files: ReadonlyArray<{ readonly path: string; readonly content: string }>): string => {
  const hash = createHash("sha256")
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(file.path).update("\0").update(file.content).update("\0")
  }
  return hash.digest("hex")
}
