// One interface for every data source: a corpus yields the documents of each split in a fixed
// order, in batches, and names itself for the cache.
import { Schema } from "effect"

export const DataSourceConfig = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("embedded") }),
  Schema.Struct({
    kind: Schema.Literal("local"),
    /** A directory of .txt, .jsonl (`text` field) or .parquet (`text` column) files. */
    dir: Schema.String,
    /** A file of `dir` (relative name) whose documents are the whole validation split. */
    valFile: Schema.optional(Schema.String)
  }),
  Schema.Struct({
    kind: Schema.Literal("remote"),
    /** Folder URL that holds `shard_00000.parquet` … (default: the reference's data set). */
    baseUrl: Schema.optional(Schema.String),
    /** Training shards: shard 0 … trainShards-1 (default: the profile's). */
    trainShards: Schema.optional(Schema.Int.pipe(Schema.positive())),
    /** The pinned validation shard (default: the reference's last shard, 6542). */
    valShard: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
    /** Parallel downloads (default 4). */
    workers: Schema.optional(Schema.Int.pipe(Schema.positive())),
    /** Tries per file (default 5). */
    retries: Schema.optional(Schema.Int.pipe(Schema.positive())),
    /** First back-off in ms, doubled on every retry (default 1000). */
    retryBaseMs: Schema.optional(Schema.Number.pipe(Schema.nonNegative()))
  })
)
export type DataSourceConfig = typeof DataSourceConfig.Type

export type Split = "train" | "val"

export interface Corpus {
  /** Directory name under `<cache>/<profile>/`: changes whenever the documents could. */
  readonly key: string
  readonly description: string
  /** How the validation split is chosen, in words (for errors and docs). */
  readonly valRule: string
  /** Documents in a split when known without reading it (for progress bars). */
  readonly docCount?: (split: Split) => number | undefined
  /** The documents of one split, in their fixed order, a batch (a file, a shard) at a time. */
  readonly docs: (split: Split) => AsyncIterable<ReadonlyArray<string>>
}

/**
 * The pinned validation rule for sources without a named val file: the document with index
 * i (0-based, in the source's fixed order) is validation when i % 20 === 19, about 5 %.
 */
export const VAL_EVERY = 20
export const isValIndex = (i: number) => i % VAL_EVERY === VAL_EVERY - 1
