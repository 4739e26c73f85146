// TEST DOUBLE. A Store that keeps the records in memory. It encodes every record with the
// record Schema as the file store does, so a record the real store would refuse (NaN, a
// missing field) is refused here too, with a StoreError.
import { Effect, Layer, Schema } from "effect"
import { ExperimentRecord } from "../domain.js"
import { describeParseError, StoreError } from "../errors.js"
import { Store } from "../services/store.js"

/** TEST DOUBLE: a Store layer and the records it holds, to assert on. */
export interface InMemoryStoreDouble {
  readonly layer: Layer.Layer<Store>
  /** Every record appended (and the ones it started with), oldest first. */
  readonly records: ReadonlyArray<ExperimentRecord>
}

const encode = Schema.encodeEither(ExperimentRecord)

/**
 * TEST DOUBLE: a Store in memory that refuses what the file store would refuse (NaN, missing fields).
 *
 * @example
 * const store = InMemoryStore.make()
 * await runResearch({ ...options, store: store.layer }); store.records.length
 */
export const InMemoryStore = {
  /** A store holding `initial` records already (a resume), or none. */
  make: (initial: ReadonlyArray<ExperimentRecord> = []): InMemoryStoreDouble => {
    const records: Array<ExperimentRecord> = [...initial]
    const layer = Layer.succeed(
      Store,
      Store.of({
        open: Effect.sync(() => ({ records: [...records], repaired: [] })),
        append: (record) =>
          Effect.suspend(() => {
            const encoded = encode(record)
            if (encoded._tag === "Left") {
              return Effect.fail(new StoreError({ message: `InMemoryStore (test double): cannot store the record: ${describeParseError(encoded.left)}`, path: "(memory)" }))
            }
            records.push(record)
            return Effect.void
          }),
        list: Effect.sync(() => [...records])
      })
    )
    return { layer, records }
  }
}
