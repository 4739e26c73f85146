// A fresh database for a test or a benchmark, created from a URL whose role may create
// databases (CI exports DATABASE_URL), and dropped afterwards.
import { randomBytes } from "node:crypto"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { postgresClient } from "./postgres.js"

const withAdmin = <A, E>(adminUrl: string, f: (sql: SqlClient.SqlClient) => Effect.Effect<A, E>) =>
  Effect.flatMap(SqlClient.SqlClient, f).pipe(Effect.provide(postgresClient({ url: adminUrl, maxConnections: 1 })))

/** Creates `<prefix>_<random>` and returns its URL (same server, same role). */
export const createScratchDatabase = (adminUrl: string, prefix = "autoresearch_test"): Promise<string> => {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`
  return Effect.runPromise(
    withAdmin(adminUrl, (sql) => sql.unsafe(`CREATE DATABASE ${name}`)).pipe(
      Effect.map(() => {
        const url = new URL(adminUrl)
        url.pathname = `/${name}`
        return url.toString()
      })
    )
  )
}

/** Drops a database made by createScratchDatabase, closing whatever is still connected. */
export const dropScratchDatabase = (adminUrl: string, url: string): Promise<void> => {
  const name = new URL(url).pathname.slice(1)
  if (!/^[a-z0-9_]+$/.test(name)) return Promise.reject(new Error(`refusing to drop ${name}`))
  return Effect.runPromise(withAdmin(adminUrl, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).pipe(Effect.asVoid))
}
