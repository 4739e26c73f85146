import { Data } from "effect"

/** Why preparing (or opening) the fixed environment failed; `message` is meant for a person. */
export type PrepareFailure =
  | "BadOptions"
  | "EmptyCorpus"
  | "CorpusTooSmall"
  | "MissingTextColumn"
  | "NotUtf8"
  | "Unreachable"
  | "DownloadFailed"
  | "NotPrepared"
  | "DamagedCache"
  | "Io"

export class PrepareError extends Data.TaggedError("PrepareError")<{
  readonly reason: PrepareFailure
  readonly message: string
  readonly hint?: string
  readonly cause?: unknown
}> {}
