// One tagged error per failure mode of the distributed parts; messages are for a person.
import { Data } from "effect"

/** The database could not be reached or refused a statement. */
export class DatabaseError extends Data.TaggedError("DatabaseError")<{ message: string; cause?: unknown }> {}

/** Another coordinator already runs this tag (it holds the tag's advisory lock). */
export class CoordinatorLockHeld extends Data.TaggedError("CoordinatorLockHeld")<{ message: string; tag: string }> {}

/** Pushing to or fetching from the git remote failed. */
export class GitRemoteError extends Data.TaggedError("GitRemoteError")<{ message: string; cause?: unknown }> {}

/** The queue refused an offer or a take. */
export class QueueError extends Data.TaggedError("QueueError")<{ message: string; cause?: unknown }> {}
