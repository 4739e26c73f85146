// One coordinator per run: the coordinator holds a PostgreSQL advisory lock on its tag for as
// long as it lives. The lock belongs to its connection, so a coordinator killed with -9 frees
// it the moment the server sees the connection drop, and a restart takes it again.
import { SqlClient } from "@effect/sql"
import { Effect, type Scope } from "effect"
import { CoordinatorLockHeld, type DatabaseError } from "./errors.js"
import { dbError } from "./postgres.js"

/** Takes the tag's lock for the life of the scope, or fails at once when another coordinator has it. */
export const holdCoordinatorLock = (
  tag: string
): Effect.Effect<void, CoordinatorLockHeld | DatabaseError, SqlClient.SqlClient | Scope.Scope> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const connection = yield* Effect.mapError(sql.reserve, dbError("reserving a connection for the coordinator lock"))
    const key = `autoresearch coordinator:${tag}`
    const rows = yield* connection
      .execute("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", [key], undefined)
      .pipe(Effect.mapError(dbError("taking the coordinator lock")))
    if (rows[0]?.locked !== true) {
      return yield* new CoordinatorLockHeld({
        message: `another coordinator is running tag ${tag} against this database; stop it first or use another tag`,
        tag
      })
    }
    yield* Effect.addFinalizer(() =>
      connection.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key], undefined).pipe(Effect.ignore)
    )
  })
