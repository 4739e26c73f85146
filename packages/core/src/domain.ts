// The domain of one experiment, as Schemas: everything the loop stores or reads back is
// decoded through these, so a damaged file or a misbehaving plugin fails loudly.
import { Schema } from "effect"

/** A measurement: a finite number ≥ 0 (NaN, Infinity and negatives are a plugin's bug). */
const Measure = Schema.Number.pipe(Schema.finite(), Schema.nonNegative())

/** An exact, unique text replacement in one editable file. */
export const FileEdit = Schema.Struct({
  path: Schema.String,
  old: Schema.String,
  new: Schema.String
})
export type FileEdit = typeof FileEdit.Type

/** What an agent hands back: one idea, as a description and the edits that make it. */
export const Proposal = Schema.Struct({
  description: Schema.String,
  edits: Schema.Array(FileEdit),
  /** Dollars spent by the agent to make this proposal (0 for offline agents; null: spent, amount unknown). */
  costUsd: Schema.optionalWith(Schema.NullOr(Measure), { default: () => 0 }),
  /** Path of the saved transcript of the conversation that produced it, if any. */
  transcript: Schema.optional(Schema.String)
})
export type Proposal = typeof Proposal.Type
/** A proposal as an agent may return it: `costUsd` may be left out (0); the loop decodes it. */
export type ProposalInput = typeof Proposal.Encoded

/** The summary block of one successful training run, in the reference's units. */
export const RunMetrics = Schema.Struct({
  valBpb: Measure,
  trainingSeconds: Measure,
  totalSeconds: Measure,
  /** Peak memory in MB: GPU memory where the backend reports it, else peak RSS. */
  peakMemoryMb: Measure,
  memoryKind: Schema.optionalWith(Schema.Literal("gpu", "rss", "unknown"), { default: () => "unknown" as const }),
  mfuPercent: Schema.optionalWith(Measure, { default: () => 0 }),
  totalTokensM: Schema.optionalWith(Measure, { default: () => 0 }),
  numSteps: Schema.optionalWith(Measure, { default: () => 0 }),
  numParamsM: Schema.optionalWith(Measure, { default: () => 0 }),
  depth: Schema.optionalWith(Measure, { default: () => 0 }),
  backend: Schema.optional(Schema.String),
  /** The seed the canvas's random draws came from. */
  seed: Schema.optional(Schema.Int)
})
export type RunMetrics = typeof RunMetrics.Type
/** Metrics as a trainer may return them: the defaulted fields may be left out; the loop decodes them. */
export type RunMetricsInput = typeof RunMetrics.Encoded

/** Why a run produced no metric. `invalid` is a run the integrity checks refused. */
export const CrashReason = Schema.Literal("timeout", "nan", "oom", "error", "invalid")
export type CrashReason = typeof CrashReason.Type

/** A training run that produced its metrics. */
export const RunSuccess = Schema.TaggedStruct("Success", { metrics: RunMetrics })
/** A training run that produced no metric: why, in words, and the last lines of its log. */
export const RunCrash = Schema.TaggedStruct("Crash", {
  reason: CrashReason,
  message: Schema.String,
  /** The last lines of the run's log (at most 50). */
  logTail: Schema.String
})
/** What one training run of the canvas produced: metrics, or a crash with its log tail. */
export const RunReport = Schema.Union(RunSuccess, RunCrash)
export type RunReport = typeof RunReport.Type
/** A report as a trainer may return it (metrics as `RunMetricsInput`); the loop decodes it. */
export type RunReportInput = typeof RunReport.Encoded

/**
 * The outcome of an experiment. results.tsv knows keep/discard/crash (the reference's
 * statuses); experiments.jsonl also records `invalid` (edits never applied, or a run the
 * integrity checks refused) and `agent_error` (the agent failed to propose).
 */
export const Status = Schema.Literal("keep", "discard", "crash", "invalid", "agent_error")
export type Status = typeof Status.Type

/** The policy's verdict on one run, with the reason in words. */
export const Decision = Schema.Struct({
  status: Status,
  reason: Schema.String
})
export type Decision = typeof Decision.Type

/** Files, insertions and deletions of an experiment's change. */
export const DiffStat = Schema.Struct({
  files: Schema.Number,
  insertions: Schema.Number,
  deletions: Schema.Number
})
/** Files, insertions and deletions of an experiment's change. */
export type DiffStat = typeof DiffStat.Type

/**
 * What a sequential decision rested on: every run of the candidate and the paired re-runs of
 * the best (the same commit's earlier runs are in earlier records), the margin beyond minDelta
 * (the first run against the best's runs, or with pairs the mean paired difference), the pooled
 * noise and the bar the margin had to clear.
 */
export const DecisionEvidence = Schema.Struct({
  candidateRuns: Schema.Array(Schema.Number),
  bestReruns: Schema.Array(Schema.Number),
  /** The best's runs before this decision (the first run was screened against them). */
  bestRuns: Schema.Array(Schema.Number),
  margin: Schema.Number,
  sigma: Schema.Number,
  dof: Schema.Number,
  bar: Schema.Number,
  /** Model FLOP/s of the first run, and whether it fell outside the band of recent runs (then re-run). */
  throughput: Schema.optional(Schema.Number),
  disturbed: Schema.optional(Schema.Boolean),
  /**
   * d val_bpb / d ln(tokens/s) within the night's repeated runs, when it was clear enough to
   * judge every run at its commit's usual speed (then margin, sigma and bar are at equal speed).
   */
  speedSlope: Schema.optional(Schema.Number)
})
export type DecisionEvidence = typeof DecisionEvidence.Type

/** Which training of an experiment a run was (its log is `logs/<id><suffix>.log`). */
export const RunKind = Schema.Literal("run", "noise", "repair", "rerun", "confirm", "best")
export type RunKind = typeof RunKind.Type

/**
 * One training run of an experiment and the conditions it ran under: a wall-clock budget turns
 * machine load into val_bpb, so every run keeps its throughput and the load average around it.
 */
export const RunSample = Schema.Struct({
  kind: RunKind,
  /** The log file's name under logs/. */
  log: Schema.String,
  /** Absent for a crash. */
  valBpb: Schema.optional(Schema.Number),
  /** Model FLOP/s (`throughputOf`); absent when the trainer reports no model size. */
  throughput: Schema.optional(Schema.Number),
  /** Training tokens per second. */
  tokensPerSecond: Schema.optional(Schema.Number),
  /** The machine's 1-minute load average when the run started and when it ended. */
  loadStart: Schema.Number,
  loadEnd: Schema.Number,
  /** Its throughput fell outside the band of recent runs: it was re-run before deciding anything. */
  disturbed: Schema.optional(Schema.Boolean)
})
export type RunSample = typeof RunSample.Type

/** One line of experiments.jsonl: everything known about one experiment. */
export const ExperimentRecord = Schema.Struct({
  /** 1-based, continuous across resumes of the same run. */
  id: Schema.Number,
  tag: Schema.String,
  baseline: Schema.Boolean,
  description: Schema.String,
  status: Status,
  decisionReason: Schema.String,
  /** Commit the experiment started from: the best so far, or (best-first) the node it branched from. */
  parent: Schema.String,
  /** Commit that holds the experiment's edits (equals parent for the baseline). */
  commit: Schema.String,
  startedAt: Schema.String,
  finishedAt: Schema.String,
  durations: Schema.Struct({
    agentMs: Schema.Number,
    trainMs: Schema.Number,
    totalMs: Schema.Number
  }),
  /** The agent's spend on it in dollars; null when unknown (no price for the model). Older records always hold a number. */
  costUsd: Schema.NullOr(Schema.Number),
  metrics: Schema.optional(RunMetrics),
  crash: Schema.optional(Schema.Struct({ reason: CrashReason, message: Schema.String, logTail: Schema.String })),
  diffStat: Schema.optional(DiffStat),
  /** Lines (non-blank) of the editable files after the edits: the simplicity criterion. */
  canvasLines: Schema.optional(Schema.Number),
  /** Repairs the agent attempted after a crash. */
  repairs: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  transcript: Schema.optional(Schema.String),
  /** On the baseline: the repeated baseline runs that measured the noise floor. */
  noise: Schema.optional(Schema.Struct({ samples: Schema.Array(Schema.Number), std: Schema.Number })),
  /** The margin a change had to beat the best by: max(minDelta, z × noise std). */
  threshold: Schema.optional(Schema.Number),
  /** In a parallel run: the worker that trained it (host:pid[:gpuN], or local-<i>). */
  worker: Schema.optional(Schema.String),
  /** A candidate keep re-run to confirm it (config `confirmKeeps`). */
  confirmation: Schema.optional(Schema.Struct({ valBpb: Schema.optional(Schema.Number), confirmed: Schema.Boolean })),
  /** The sequential decision's evidence (config `maxConfirmations` > 0): see core's `decision/`. */
  evidence: Schema.optional(DecisionEvidence),
  /** Every training run of the experiment, in order, with its throughput and load (absent in older records). */
  runs: Schema.optional(Schema.Array(RunSample)),
  /**
   * On a keep of a branching strategy: whether it also beat the run's best (and became it).
   * False for a node that beat only the node it branched from; absent (true) on greedy runs.
   */
  advancesBest: Schema.optional(Schema.Boolean)
})
export type ExperimentRecord = typeof ExperimentRecord.Type

/** The result of a whole run of the loop. */
export const Summary = Schema.Struct({
  tag: Schema.String,
  experiments: Schema.Number,
  kept: Schema.Number,
  discarded: Schema.Number,
  crashed: Schema.Number,
  invalid: Schema.Number,
  baselineBpb: Schema.optional(Schema.Number),
  bestBpb: Schema.optional(Schema.Number),
  bestCommit: Schema.String,
  /** The agents' known spend for the tag; a lower bound when `unknownCosts` > 0. */
  costUsd: Schema.Number,
  /** Experiments whose cost is unknown (absent when none). */
  unknownCosts: Schema.optional(Schema.Number),
  stopReason: Schema.String
})
export type Summary = typeof Summary.Type
