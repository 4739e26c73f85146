// The one error `runResearch` rejects with and `research()` fails with: which failure stopped
// the run (`reason`), in words for a person (`message`, `hint`), and the original error (`cause`).
import { Cause, Data } from "effect"

/**
 * What stopped a research run: the `_tag` of the SDK error behind it (a bad option, missing
 * data, a git problem, an unreadable or foreign store, an agent or trainer that could not even
 * start), or `Unexpected` for anything else (a bug: the `cause` says more).
 */
export type ResearchErrorReason =
  | "ConfigError"
  | "PrepareError"
  | "WorkspaceError"
  | "StoreError"
  | "ForeignStoreError"
  | "AgentError"
  | "TrainerError"
  | "Unexpected"

const reasons: ReadonlySet<string> = new Set<ResearchErrorReason>([
  "ConfigError",
  "PrepareError",
  "WorkspaceError",
  "StoreError",
  "ForeignStoreError",
  "AgentError",
  "TrainerError"
])

/**
 * Why `runResearch` / `research()` stopped before a Summary: `reason` names the kind of
 * failure, `message` (and `hint`) say it for a person, `cause` is the original error.
 * A plugin's mistake during an experiment is never this: it is that experiment's record.
 *
 * @example
 * try {
 *   await runResearch({ dir: "~/research" })
 * } catch (error) {
 *   if (error instanceof ResearchError && error.reason === "PrepareError") console.error(`run \`autoresearch prepare\` first: ${error.message}`)
 *   else throw error
 * }
 */
export class ResearchError extends Data.TaggedError("ResearchError")<{
  readonly reason: ResearchErrorReason
  readonly message: string
  readonly hint?: string
  readonly cause: unknown
}> {
  /** Wraps whatever stopped a run (an SDK error, a thrown value, an Effect Cause) once. */
  static of(error: unknown): ResearchError {
    if (error instanceof ResearchError) return error
    if (Cause.isCause(error)) return ResearchError.of(Cause.squash(error))
    const tagged = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : undefined
    const message = typeof error === "object" && error !== null && "message" in error && typeof error.message === "string" ? error.message : String(error)
    const hint = typeof error === "object" && error !== null && "hint" in error && typeof error.hint === "string" ? error.hint : undefined
    const reason = tagged !== undefined && reasons.has(tagged) ? (tagged as ResearchErrorReason) : "Unexpected"
    return new ResearchError({ reason, message, ...(hint !== undefined ? { hint } : {}), cause: error })
  }
}
