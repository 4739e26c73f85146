// The PostgreSQL Store: rows in, the same bytes out as the file store; idempotent appends;
// the best commit moved only by compare-and-set; one coordinator per tag.
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EXPERIMENTS_JSONL, makeResultsStore, RESULTS_TSV } from "@autoresearch/core"
import { experimentRecord } from "@autoresearch/core/test"
import type { SqlClient } from "@effect/sql"
import { Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BestCommit, holdCoordinatorLock, makePgStore, postgresBackend, PgStore } from "../src/index.js"
import { scratchDatabase, skipWithoutPostgres } from "./support/postgres.js"

describe.skipIf(skipWithoutPostgres !== undefined)("the PostgreSQL store", () => {
  let db: { url: string; drop: () => Promise<void> }
  beforeAll(async () => {
    db = await scratchDatabase()
  })
  afterAll(async () => {
    await db?.drop()
  })
  const run = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient | BestCommit>) =>
    Effect.runPromise(effect.pipe(Effect.provide(Layer.provideMerge(PgStore.bestCommit, postgresBackend({ url: db.url })))))

  it("exports results.tsv and experiments.jsonl byte for byte as the file store writes them, and appends idempotently", async () => {
    const records = [
      experimentRecord({ id: 1, status: "keep", description: "baseline", valBpb: 1.234567891, tag: "bytes" }),
      experimentRecord({ id: 2, status: "discard", description: "tabs\tand\nnewlines, ünïcödé", valBpb: 1.3, tag: "bytes" }),
      { ...experimentRecord({ id: 3, status: "crash", description: "oom", tag: "bytes" }), crash: { reason: "oom" as const, message: "out of memory", logTail: "a\nb" } }
    ]
    const fileDir = mkdtempSync(join(tmpdir(), "ar-file-store-"))
    const fileStore = makeResultsStore({ dir: fileDir })
    await Effect.runPromise(Effect.zipRight(fileStore.open, Effect.forEach(records, fileStore.append)))

    const pgDir = mkdtempSync(join(tmpdir(), "ar-pg-store-"))
    const listed = await run(
      Effect.gen(function* () {
        const store = yield* makePgStore({ tag: "bytes", dir: pgDir })
        yield* store.open
        yield* Effect.forEach(records, store.append)
        // A restarted coordinator recording experiment 2 again changes nothing.
        yield* store.append({ ...records[1]!, description: "a second write" })
        return yield* store.list
      })
    )
    expect(listed).toEqual(records)
    for (const file of [RESULTS_TSV, EXPERIMENTS_JSONL]) {
      expect(readFileSync(join(pgDir, file))).toEqual(readFileSync(join(fileDir, file)))
    }
  })

  it("moves the best commit only from the value the caller saw", async () => {
    const moves = await run(
      Effect.gen(function* () {
        const best = yield* BestCommit
        return [
          yield* best.compareAndSet("cas", undefined, "a"),
          yield* best.compareAndSet("cas", undefined, "b"),
          yield* best.compareAndSet("cas", "a", "c"),
          yield* best.compareAndSet("cas", "a", "d"),
          yield* best.get("cas")
        ]
      })
    )
    expect(moves).toEqual([true, false, true, false, "c"])
  })

  it("lets one coordinator hold a tag; a second is refused until the first lets go", async () => {
    const outcome = await Effect.runPromise(
      Effect.gen(function* () {
        const first = yield* Scope.make()
        yield* Scope.extend(holdCoordinatorLock("locked"), first)
        const second = yield* Effect.either(Effect.scoped(holdCoordinatorLock("locked")))
        const otherTag = yield* Effect.either(Effect.scoped(holdCoordinatorLock("other")))
        yield* Scope.close(first, Exit.void)
        const afterRelease = yield* Effect.either(Effect.scoped(holdCoordinatorLock("locked")))
        return { second, otherTag, afterRelease }
      }).pipe(Effect.provide(postgresBackend({ url: db.url })))
    )
    expect(outcome.second._tag).toBe("Left")
    expect(outcome.second._tag === "Left" && outcome.second.left.message).toMatch(/another coordinator is running tag locked/)
    expect(outcome.otherTag._tag).toBe("Right")
    expect(outcome.afterRelease._tag).toBe("Right")
  })
})
