// The loop's configuration, decoded from whatever the caller hands in (a script, the CLI,
// a JSON file), so a bad value is one clear ConfigError, never a crash later in the night.
import { Effect, Schema } from "effect"
import { ConfigError, describeParseError } from "./errors.js"
import { DEFAULT_SEED } from "./services/trainer.js"

const Positive = Schema.Number.pipe(Schema.positive())
const PositiveInt = Schema.Int.pipe(Schema.positive())
const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

/** The loop's configuration as a Schema: every field, its default and its meaning (docs/loop.md has the table). */
export const LoopConfig = Schema.Struct({
  /** Names the run: branch `autoresearch/<tag>` and the folder `runs/<tag>`. */
  tag: Schema.String.pipe(
    Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      message: () => "tag must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    })
  ),
  /** Training seconds per experiment (the fixed time budget). */
  budgetSeconds: Positive,
  /** Seeds every training run's random draws, so a change is compared on the same initialisation. */
  seed: Schema.optionalWith(Schema.Int, { default: () => DEFAULT_SEED }),
  /** Stop after this many experiments of this session (a resume runs this many more; a new run's baseline counts). */
  maxExperiments: Schema.optional(PositiveInt),
  /** Stop starting new experiments after this many seconds of this session. */
  maxDurationSeconds: Schema.optional(Positive),
  /** Stop after this many experiments in a row without a keep (a plateau the agent cannot leave). */
  maxWithoutImprovement: Schema.optional(PositiveInt),
  /** Stop once the agents' spend for the tag reaches this many dollars. */
  maxCostUsd: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  /** A change is kept when val_bpb < best − minDelta. */
  minDelta: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 0 }),
  /** How often the agent may repair its own crashed change. */
  repairAttempts: Schema.optionalWith(NonNegativeInt, { default: () => 1 }),
  /** How often the agent may retry edits that do not apply before the experiment is `invalid`. */
  editAttempts: Schema.optionalWith(PositiveInt, { default: () => 3 }),
  /**
   * The wall-clock deadline of one training run (default 2 × budget + 60, `runDeadlineSeconds`).
   * It reaches the trainer as `spec.deadlineSeconds`: the trainer kills its run then and reports
   * a `timeout` crash with the log tail. Only a trainer that ignores it is stopped by the loop,
   * a grace later (`backstopGraceSeconds`).
   */
  runTimeoutSeconds: Schema.optional(Positive),
  /**
   * Stop after this many failed experiments in a row (crash, invalid, agent_error). A retryable
   * agent error (rate limit, overload, server error, network) does not count: the loop waits.
   */
  maxConsecutiveFailures: Schema.optionalWith(PositiveInt, { default: () => 5 }),
  /** The first wait after a retryable agent error; it doubles with each one in a row. */
  agentRetryDelaySeconds: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 5 }),
  /** The longest wait after retryable agent errors. */
  agentRetryMaxDelaySeconds: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 300 }),
  /**
   * Paired re-runs a decision may ask for (0: the one-run rule, `noiseZ` × the baseline's std).
   * Above 0 a change is judged by the sequential test of core's `decision/`: a gain within a few
   * σ is confirmed by re-running the candidate and the best, up to this many pairs.
   */
  maxConfirmations: Schema.optionalWith(NonNegativeInt, { default: () => 0 }),
  /** Extra runs of the unchanged baseline that measure the noise floor (0 disables). */
  noiseRepeats: Schema.optionalWith(NonNegativeInt, { default: () => 2 }),
  /** A change must beat the best by more than noiseZ × the baseline's noise std. */
  noiseZ: Schema.optionalWith(Schema.Number.pipe(Schema.nonNegative()), { default: () => 2 }),
  /** Re-run a candidate keep once and keep it only if the re-run also beats the best. */
  confirmKeeps: Schema.optionalWith(Schema.Boolean, { default: () => false })
})
/** The decoded configuration, every default filled in. */
export type LoopConfig = typeof LoopConfig.Type

/** The one place the default run deadline is computed: 2 × budget + 60 s unless configured. */
export const runDeadlineSeconds = (budgetSeconds: number, runTimeoutSeconds?: number): number => runTimeoutSeconds ?? 2 * budgetSeconds + 60

/**
 * How long after its deadline the loop stops a trainer that ignored it: 10 % of the deadline,
 * at least 1 s, at most 60 s. The trainer's own kill (with its log tail) always comes first.
 */
export const backstopGraceSeconds = (deadlineSeconds: number): number => Math.min(60, Math.max(1, deadlineSeconds / 10))
/**
 * The configuration as a caller writes it: `tag` and `budgetSeconds`, everything else optional.
 *
 * @example
 * const config: LoopConfigInput = { tag: "nov27", budgetSeconds: 300, maxExperiments: 20 }
 */
export type LoopConfigInput = typeof LoopConfig.Encoded

/** What a loop run needs besides its configuration: signals and paths (not serializable). */
export interface LoopRuntime {
  /** Aborting stops the loop after the running experiment (the first SIGINT). */
  readonly signal?: AbortSignal
  /** Aborting kills the running experiment at once, unrecorded (the second SIGINT). */
  readonly killSignal?: AbortSignal
  /** Where logs and transcripts go; default the store's dir, else `<workspace>/runs/<tag>`. */
  readonly runDir?: string
  /** The research direction handed to the agent, relative to the workspace (default program.md). */
  readonly programFile?: string
}

/** Everything one loop run takes, as one value passed through once: the config and the runtime. */
export type LoopOptions = LoopConfigInput & LoopRuntime

/** Decodes a loop configuration, turning every schema failure into one readable ConfigError. */
export const decodeLoopConfig = (input: unknown): Effect.Effect<LoopConfig, ConfigError> =>
  Schema.decodeUnknown(LoopConfig)(input, { onExcessProperty: "ignore" }).pipe(
    Effect.mapError(
      (error) =>
        new ConfigError({
          message: `invalid configuration: ${describeParseError(error)}`
        })
    )
  )
