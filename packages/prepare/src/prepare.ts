// prepare(): read or download the data, train the tokenizer once, tokenize both splits into
// the cache, and open the fixed environment. Idempotent: a complete cache opens in seconds.
import { describeParseError, type Evaluation, type LossModel } from "@autoresearch/core"
import { Effect, Schema } from "effect"
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { join, resolve } from "node:path"
import { countChunks, trainBpeFromCounts } from "./bpe-trainer.js"
import { PrepareError } from "./errors.js"
import { evaluateBpbOn, evaluationRows } from "./evaluate.js"
import { createBatchLoader, type BatchLoader } from "./loader.js"
import { profileNames, profiles, SPECIAL_TOKENS, type Profile, type ProfileName } from "./profiles.js"
import type { ProgressListener } from "./progress.js"
import { embeddedCorpus } from "./sources/embedded.js"
import { localCorpus } from "./sources/local.js"
import { remoteCorpus, remoteKey } from "./sources/remote.js"
import { DataSourceConfig, type Corpus } from "./sources/source.js"
import { readSplit, splitFiles, writeSplit, type TokenSplit } from "./token-cache.js"
import { createTokenizer, parseRanks, type BpeTokenizer, type Tokenizer } from "./tokenizer.js"

export interface PrepareOptions {
  /** Default "cpu". */
  readonly profile?: ProfileName
  /** Default $AUTORESEARCH_CACHE or ~/.cache/autoresearch. */
  readonly cacheDir?: string
  /** Default { kind: "embedded" }. */
  readonly source?: DataSourceConfig
  readonly onProgress?: ProgressListener
}

/** Prepared data opened for training and evaluation: the profile, the tokenizer and the token shards. */
export interface PreparedEnvironment {
  readonly profile: Profile
  /** The profile+source specific directory. */
  readonly cacheDir: string
  readonly tokenizer: Tokenizer
  /** UTF-8 byte length per id, 0 for specials. */
  readonly tokenBytes: Int32Array
  /** Packed train rows; cycles over the train split forever (epoch counter). */
  readonly trainLoader: (batch: number, seqLen: number) => BatchLoader
  /** Packed rows of the pinned validation split only. */
  readonly valLoader: (batch: number, seqLen: number) => BatchLoader
  /** The fixed metric: evalTokens of val at profile.maxSeqLen. */
  readonly evaluateBpb: (model: LossModel, options?: { batchSize?: number }) => Promise<Evaluation>
  /** The rows val_bpb is computed on (seqLen + 1 tokens each): for a scorer in another process. */
  readonly evaluationRows: () => Int32Array[]
  /** Absolute paths of the tokenizer and data caches (for integrity hashing). */
  readonly fixedFiles: ReadonlyArray<string>
  /** The files a training process needs (tokenizer, train split, manifest): never the val split. */
  readonly trainingFiles: ReadonlyArray<string>
  /** What was prepared: sizes of both splits, the source, the tokenizer. */
  readonly manifest: Manifest
}

const SplitStatsSchema = Schema.Struct({ docs: Schema.Number, tokens: Schema.Number })
export const Manifest = Schema.Struct({
  version: Schema.Literal(1),
  profile: Schema.String,
  source: Schema.String,
  description: Schema.String,
  vocabSize: Schema.Number,
  tokenizer: Schema.Struct({ charsRead: Schema.Number, uniqueChunks: Schema.Number, seconds: Schema.Number }),
  train: SplitStatsSchema,
  val: SplitStatsSchema,
  createdAt: Schema.String
})
export type Manifest = typeof Manifest.Type

const MANIFEST = "manifest.json"
const TOKENIZER = "tokenizer.tiktoken"

export const defaultCacheRoot = () => process.env["AUTORESEARCH_CACHE"] ?? join(homedir(), ".cache", "autoresearch")

interface Resolved {
  readonly profile: Profile
  readonly root: string
  readonly source: DataSourceConfig
  readonly progress: ProgressListener
}

const resolveOptions = (options: PrepareOptions): Resolved => {
  const name = options.profile ?? "cpu"
  const profile = profiles[name]
  if (profile === undefined || !profileNames.includes(name)) {
    throw new PrepareError({
      reason: "BadOptions",
      message: `unknown profile "${String(name)}": choose one of ${profileNames.join(", ")}`
    })
  }
  const source = Schema.decodeUnknownEither(DataSourceConfig)(options.source ?? { kind: "embedded" })
  if (source._tag === "Left") {
    throw new PrepareError({
      reason: "BadOptions",
      message: `invalid data source: ${describeParseError(source.left)}`
    })
  }
  return {
    profile,
    root: resolve(options.cacheDir ?? defaultCacheRoot()),
    source: source.right,
    progress: options.onProgress ?? (() => {})
  }
}

/** The cache key of a source, known without reading or downloading its data. */
const sourceKey = (r: Resolved): string => {
  switch (r.source.kind) {
    case "embedded":
      return embeddedCorpus().key
    case "local":
      return localCorpus(r.source).key
    case "remote":
      return remoteKey(r.source, r.profile)
  }
}

const openCorpus = (r: Resolved): Promise<Corpus> | Corpus => {
  switch (r.source.kind) {
    case "embedded":
      return embeddedCorpus()
    case "local":
      return localCorpus(r.source)
    case "remote":
      return remoteCorpus(r.source, r.profile, r.root, r.progress)
  }
}

const readManifest = (dir: string): Manifest | undefined => {
  const path = join(dir, MANIFEST)
  if (!existsSync(path)) return undefined
  try {
    return Schema.decodeUnknownSync(Manifest)(JSON.parse(readFileSync(path, "utf8")))
  } catch {
    return undefined
  }
}

const writeAtomic = (path: string, content: string) => {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, content)
  renameSync(tmp, path)
}

const loadTokenizer = (dir: string, vocabSize: number): BpeTokenizer | undefined => {
  const path = join(dir, TOKENIZER)
  if (!existsSync(path)) return undefined
  const tokens = parseRanks(readFileSync(path, "utf8"))
  if (tokens === undefined || tokens.length + SPECIAL_TOKENS.length !== vocabSize) return undefined
  return createTokenizer(tokens)
}

/** Opens a complete cache; undefined when anything is missing, damaged or from other constants. */
const openEnvironment = (dir: string, profile: Profile): PreparedEnvironment | undefined => {
  const manifest = readManifest(dir)
  if (manifest === undefined || manifest.vocabSize !== profile.vocabSize) return undefined
  try {
    const tokenizer = loadTokenizer(dir, profile.vocabSize)
    const train = readSplit(dir, "train", manifest.train)
    const val = readSplit(dir, "val", manifest.val)
    if (tokenizer === undefined || train === undefined || val === undefined) return undefined
    return environment(dir, profile, manifest, tokenizer, train, val)
  } catch {
    return undefined
  }
}

const environment = (
  dir: string,
  profile: Profile,
  manifest: Manifest,
  tokenizer: BpeTokenizer,
  train: TokenSplit,
  val: TokenSplit
): PreparedEnvironment => ({
  profile,
  cacheDir: dir,
  tokenizer: { vocabSize: tokenizer.vocabSize, bosId: tokenizer.bosId, encode: tokenizer.encode, decode: tokenizer.decode },
  // A copy: whatever a caller does to it, the metric keeps its own.
  tokenBytes: tokenizer.tokenBytes.slice(),
  trainLoader: (batch, seqLen) => createBatchLoader(train, batch, seqLen, profile.loaderBufferDocs),
  valLoader: (batch, seqLen) => createBatchLoader(val, batch, seqLen, profile.loaderBufferDocs),
  evaluateBpb: (model, options) =>
    evaluateBpbOn(model, {
      val,
      tokenBytes: tokenizer.tokenBytes,
      evalTokens: profile.evalTokens,
      seqLen: profile.maxSeqLen,
      batchSize: options?.batchSize ?? profile.evalBatchSize,
      bufferDocs: profile.loaderBufferDocs
    }),
  evaluationRows: () =>
    evaluationRows({ val, evalTokens: profile.evalTokens, seqLen: profile.maxSeqLen, bufferDocs: profile.loaderBufferDocs }),
  fixedFiles: [
    join(dir, TOKENIZER),
    ...Object.values(splitFiles(dir, "train")),
    ...Object.values(splitFiles(dir, "val")),
    join(dir, MANIFEST)
  ],
  trainingFiles: trainingFiles(dir),
  manifest
})

const trainingFiles = (dir: string) => [join(dir, TOKENIZER), ...Object.values(splitFiles(dir, "train")), join(dir, MANIFEST)]

/** What a training process may see: the tokenizer and the train split, never the val split. */
export type TrainingEnvironment = Pick<PreparedEnvironment, "profile" | "cacheDir" | "tokenizer" | "trainLoader" | "trainingFiles">

/**
 * Opens the training side of a prepared cache only (reads nothing of the val split), for the
 * sandboxed training process, which may not read the val files at all.
 */
export const loadTraining = async (options: PrepareOptions = {}): Promise<TrainingEnvironment> => {
  const r = resolveOptions(options)
  const dir = join(r.root, r.profile.name, sourceKey(r))
  const manifest = readManifest(dir)
  const tokenizer = manifest?.vocabSize === r.profile.vocabSize ? loadTokenizer(dir, r.profile.vocabSize) : undefined
  const train = manifest && tokenizer ? readSplit(dir, "train", manifest.train) : undefined
  if (tokenizer === undefined || train === undefined)
    throw new PrepareError({ reason: "NotPrepared", message: `no data prepared for profile ${r.profile.name} in ${dir}: run \`autoresearch prepare\`` })
  const profile = r.profile
  return {
    profile,
    cacheDir: dir,
    tokenizer: { vocabSize: tokenizer.vocabSize, bosId: tokenizer.bosId, encode: tokenizer.encode, decode: tokenizer.decode },
    trainLoader: (batch, seqLen) => createBatchLoader(train, batch, seqLen, profile.loaderBufferDocs),
    trainingFiles: trainingFiles(dir)
  }
}

const trainTokenizer = async (corpus: Corpus, r: Resolved) => {
  const started = performance.now()
  const counts = new Map<string, number>()
  let charsRead = 0
  for await (const batch of corpus.docs("train")) {
    if (charsRead >= r.profile.tokenizerMaxChars) break
    const counted = countChunks(batch, r.profile.tokenizerMaxChars - charsRead, r.profile.tokenizerDocChars, counts)
    charsRead += counted.charsRead
  }
  if (charsRead === 0) {
    throw new PrepareError({ reason: "EmptyCorpus", message: `no text found in ${corpus.description}` })
  }
  const mergeableTokens = r.profile.vocabSize - SPECIAL_TOKENS.length
  const trained = trainBpeFromCounts(counts, {
    mergeableTokens,
    onMerges: (merges, totalMerges) => r.progress({ _tag: "TokenizerMerges", merges, totalMerges })
  })
  if (trained.tokens.length < mergeableTokens) {
    throw new PrepareError({
      reason: "CorpusTooSmall",
      message: `${corpus.description} is too small to learn a vocabulary of ${r.profile.vocabSize}: only ${
        trained.tokens.length + SPECIAL_TOKENS.length
      } distinct tokens are possible`
    })
  }
  return {
    tokenizer: createTokenizer(trained.tokens),
    stats: { charsRead, uniqueChunks: trained.uniqueChunks, seconds: (performance.now() - started) / 1000 }
  }
}

const hasText = async (batches: AsyncIterable<ReadonlyArray<string>>) => {
  for await (const batch of batches) if (batch.some((doc) => doc.length > 0)) return true
  return false
}

const build = async (dir: string, r: Resolved): Promise<PreparedEnvironment> => {
  const corpus = await openCorpus(r)
  if (!(await hasText(corpus.docs("val")))) {
    const empty = !(await hasText(corpus.docs("train")))
    throw new PrepareError(
      empty
        ? { reason: "EmptyCorpus", message: `no text found in ${corpus.description}` }
        : {
            reason: "CorpusTooSmall",
            message: `${corpus.description} is too small for the validation split: it takes ${corpus.valRule}, and that holds no text here`,
            hint: "add documents (or, for a local directory, name a validation file with `valFile`)"
          }
    )
  }
  mkdirSync(dir, { recursive: true })
  r.progress({ _tag: "Phase", phase: "tokenizer", message: `training a ${r.profile.vocabSize}-token BPE tokenizer on ${corpus.description}` })
  const { tokenizer, stats } = await trainTokenizer(corpus, r)
  writeAtomic(join(dir, TOKENIZER), tokenizer.ranksText)

  r.progress({ _tag: "Phase", phase: "tokenize", message: "tokenizing the validation and training splits" })
  const val = await writeSplit(dir, "val", corpus.docs("val"), tokenizer, (docs) =>
    r.progress({ _tag: "Tokenizing", split: "val", docs, totalDocs: corpus.docCount?.("val") })
  )
  const train = await writeSplit(dir, "train", corpus.docs("train"), tokenizer, (docs) =>
    r.progress({ _tag: "Tokenizing", split: "train", docs, totalDocs: corpus.docCount?.("train") })
  )
  if (train.docs === 0) {
    throw new PrepareError({
      reason: "CorpusTooSmall",
      message: `${corpus.description} leaves no training documents once the validation split (${corpus.valRule}) is taken`
    })
  }
  const manifest: Manifest = {
    version: 1,
    profile: r.profile.name,
    source: corpus.key,
    description: corpus.description,
    vocabSize: r.profile.vocabSize,
    tokenizer: stats,
    train,
    val,
    createdAt: new Date().toISOString()
  }
  writeAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n")
  const env = openEnvironment(dir, r.profile)
  if (env === undefined) throw new PrepareError({ reason: "DamagedCache", message: `the cache just written in ${dir} does not read back` })
  return env
}

const toPrepareError = (cause: unknown): PrepareError =>
  cause instanceof PrepareError
    ? cause
    : new PrepareError({ reason: "Io", message: `prepare failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

const prepareAsync = async (options: PrepareOptions = {}): Promise<PreparedEnvironment> => {
  const r = resolveOptions(options)
  const dir = join(r.root, r.profile.name, sourceKey(r))
  const existing = openEnvironment(dir, r.profile)
  if (existing !== undefined) {
    r.progress({ _tag: "Phase", phase: "cached", message: `using the prepared data in ${dir}` })
    return existing
  }
  const env = await build(dir, r)
  r.progress({ _tag: "Phase", phase: "done", message: `prepared ${env.manifest.train.tokens} train and ${env.manifest.val.tokens} val tokens in ${dir}` })
  return env
}

const loadPreparedAsync = async (options: PrepareOptions = {}): Promise<PreparedEnvironment> => {
  const r = resolveOptions(options)
  const dir = join(r.root, r.profile.name, sourceKey(r))
  const env = openEnvironment(dir, r.profile)
  if (env === undefined) {
    throw new PrepareError({
      reason: "NotPrepared",
      message: `no data prepared for profile ${r.profile.name} in ${dir}: run \`autoresearch prepare\``
    })
  }
  return env
}

/** Prepares the fixed environment (idempotent; a second call opens the cache in seconds). */
export const prepareEffect = (options?: PrepareOptions): Effect.Effect<PreparedEnvironment, PrepareError> =>
  Effect.tryPromise({ try: () => prepareAsync(options), catch: toPrepareError })

/** Opens what `prepare` built; fails with reason "NotPrepared" when there is nothing. */
export const loadPreparedEffect = (options?: PrepareOptions): Effect.Effect<PreparedEnvironment, PrepareError> =>
  Effect.tryPromise({ try: () => loadPreparedAsync(options), catch: toPrepareError })

/** Promise version of `prepareEffect`; rejects with a PrepareError. */
export const prepare = (options?: PrepareOptions): Promise<PreparedEnvironment> =>
  prepareAsync(options).catch((e) => Promise.reject(toPrepareError(e)))

/** Promise version of `loadPreparedEffect`; rejects with a PrepareError. */
export const loadPrepared = (options?: PrepareOptions): Promise<PreparedEnvironment> =>
  loadPreparedAsync(options).catch((e) => Promise.reject(toPrepareError(e)))
