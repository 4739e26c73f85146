import { Context, type Effect } from "effect"
import type { ExperimentRecord } from "../domain.js"
import type { ForeignStoreError, StoreError } from "../errors.js"

/** What opening a store found and did. */
export interface StoreOpened {
  readonly records: ReadonlyArray<ExperimentRecord>
  /** Torn last lines found (from a crash mid-append) and repaired, in words. */
  readonly repaired: ReadonlyArray<string>
}

/** What the `Store` tag provides. */
export interface StoreService {
  /** Where the store keeps its files, when it keeps them on disk (logs go beside them). */
  readonly dir?: string
  /** Reads (and repairs) what is stored; refuses files that are not ours. */
  readonly open: Effect.Effect<StoreOpened, StoreError | ForeignStoreError>
  readonly append: (record: ExperimentRecord) => Effect.Effect<void, StoreError>
  readonly list: Effect.Effect<ReadonlyArray<ExperimentRecord>, StoreError | ForeignStoreError>
}

/** The run's memory: every experiment appended as whole lines, durable before it returns. */
export class Store extends Context.Tag("@autoresearch/core/Store")<Store, StoreService>() {}
