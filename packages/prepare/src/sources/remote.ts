// Parquet shards over HTTPS in the reference's layout: shard_00000.parquet … ; shards
// 0 … trainShards-1 are trained on and one pinned shard (by default the last, 6542) is the
// validation split. Downloads go to `<cache>/data/<url hash>/`, shared by all profiles.
import { createHash } from "node:crypto"
import { mkdirSync, openSync, readSync, closeSync, fstatSync } from "node:fs"
import { join } from "node:path"
import { downloadFile } from "../download.js"
import { PrepareError } from "../errors.js"
import { readParquetTexts } from "../parquet.js"
import type { Profile } from "../profiles.js"
import type { ProgressListener } from "../progress.js"
import type { Corpus, DataSourceConfig, Split } from "./source.js"

export const DEFAULT_BASE_URL = "https://huggingface.co/datasets/karpathy/climbmix-400b-shuffle/resolve/main"
export const DEFAULT_VAL_SHARD = 6542

type RemoteConfig = Extract<DataSourceConfig, { kind: "remote" }>

export const shardName = (index: number) => `shard_${String(index).padStart(5, "0")}.parquet`

const settings = (config: RemoteConfig, profile: Profile) => {
  const baseUrl = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")
  const trainShards = config.trainShards ?? profile.remoteTrainShards
  const valShard = config.valShard ?? DEFAULT_VAL_SHARD
  if (valShard < trainShards) {
    throw new PrepareError({
      reason: "BadOptions",
      message: `the validation shard ${valShard} is among the ${trainShards} training shards: it would be trained on`
    })
  }
  return {
    baseUrl,
    trainShards,
    valShard,
    workers: config.workers ?? 4,
    retries: config.retries ?? 5,
    retryBaseMs: config.retryBaseMs ?? 1000
  }
}

const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16)

export const remoteKey = (config: RemoteConfig, profile: Profile): string => {
  const s = settings(config, profile)
  return `remote-${hash([s.baseUrl, s.trainShards, s.valShard])}`
}

/** Parquet files start and end with the magic bytes PAR1. */
const checkParquetMagic = async (path: string): Promise<string | undefined> => {
  const fd = openSync(path, "r")
  try {
    const size = fstatSync(fd).size
    const head = Buffer.alloc(4)
    const tail = Buffer.alloc(4)
    if (size < 12) return "the file is too short to be parquet"
    readSync(fd, head, 0, 4, 0)
    readSync(fd, tail, 0, 4, size - 4)
    return head.toString("latin1") === "PAR1" && tail.toString("latin1") === "PAR1" ? undefined : "the file is not parquet"
  } finally {
    closeSync(fd)
  }
}

/** Runs `task` over `items` with at most `workers` at once; the first failure fails all. */
const pool = async <A>(items: ReadonlyArray<A>, workers: number, task: (item: A) => Promise<void>) => {
  let next = 0
  const worker = async () => {
    while (next < items.length) await task(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker))
}

/** Where the shards of `baseUrl` are downloaded. */
export const remoteDataDir = (cacheRoot: string, baseUrl: string) => join(cacheRoot, "data", hash(baseUrl.replace(/\/+$/, "")))

export const remoteCorpus = async (
  config: RemoteConfig,
  profile: Profile,
  cacheRoot: string,
  progress: ProgressListener
): Promise<Corpus> => {
  const s = settings(config, profile)
  const dir = remoteDataDir(cacheRoot, s.baseUrl)
  mkdirSync(dir, { recursive: true })
  const train = Array.from({ length: s.trainShards }, (_, i) => shardName(i))
  const val = shardName(s.valShard)
  progress({ _tag: "Phase", phase: "download", message: `downloading ${train.length + 1} shards from ${s.baseUrl}` })
  await pool([val, ...train], s.workers, (name) =>
    downloadFile(`${s.baseUrl}/${name}`, join(dir, name), {
      retries: s.retries,
      retryBaseMs: s.retryBaseMs,
      validate: checkParquetMagic,
      onBytes: (bytes, totalBytes, done) => progress({ _tag: "Download", file: name, bytes, totalBytes, done })
    })
  )
  return {
    key: remoteKey(config, profile),
    description: `${train.length} training shard(s) and validation ${val} from ${s.baseUrl}`,
    valRule: `the pinned shard ${val}`,
    docs: (split: Split) => ({
      async *[Symbol.asyncIterator]() {
        for (const name of split === "val" ? [val] : train) yield await readParquetTexts(join(dir, name))
      }
    })
  }
}
