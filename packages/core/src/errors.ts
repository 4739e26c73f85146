// One tagged error per failure mode. A user mistake carries a message meant for a person
// (and a hint where one helps); the CLI prints `message` and never a stack.
import { Data, ParseResult } from "effect"

/** Configuration that does not decode, or values that cannot work together. */
export class ConfigError extends Data.TaggedError("ConfigError")<{ message: string; hint?: string }> {}

/** The agent could not produce a proposal (API failure after retries, garbage output). */
export class AgentError extends Data.TaggedError("AgentError")<{
  message: string
  retryable?: boolean
  cause?: unknown
  /** Dollars the agent spent before failing, so the loop's cost cap still counts them (null: unknown). */
  costUsd?: number | null
}> {}

/** An edit that does not apply: no match, several matches, or a path outside the canvas. */
export class EditError extends Data.TaggedError("EditError")<{ message: string; path: string }> {}

/** The trainer could not be started at all (as opposed to a run that crashed). */
export class TrainerError extends Data.TaggedError("TrainerError")<{ message: string; cause?: unknown }> {}

/** The evaluator could not compute the metric (missing data, a model that looks ahead). */
export class EvaluatorError extends Data.TaggedError("EvaluatorError")<{ message: string; cause?: unknown }> {}

/** Reading or appending the results store failed (disk full, permissions). */
export class StoreError extends Data.TaggedError("StoreError")<{ message: string; path: string; cause?: unknown }> {}

/** results.tsv or experiments.jsonl exists but is not ours: refused, never overwritten. */
export class ForeignStoreError extends Data.TaggedError("ForeignStoreError")<{ message: string; path: string }> {}

/** A git operation failed, or the workspace is in a state the loop must not touch. */
export class WorkspaceError extends Data.TaggedError("WorkspaceError")<{ message: string; hint?: string; cause?: unknown }> {}

/** A schema failure as one line a person reads at a glance: `path: problem; path: problem`. */
export const describeParseError = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => (issue.path.length > 0 && !issue.message.startsWith(String(issue.path[0])) ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ")
