export { profiles, profileNames, SPECIAL_TOKENS, type Profile, type ProfileName } from "./profiles.js"
export { PrepareError, type PrepareFailure } from "./errors.js"
export type { PrepareProgress, PreparePhase, ProgressListener } from "./progress.js"
export { DataSourceConfig, VAL_EVERY, type Corpus, type Split } from "./sources/source.js"
export { embeddedCorpus, embeddedDocuments, toPassages, PASSAGE_CHARS } from "./sources/embedded.js"
export { localCorpus } from "./sources/local.js"
export { remoteCorpus, remoteDataDir, shardName, DEFAULT_BASE_URL, DEFAULT_VAL_SHARD } from "./sources/remote.js"
export { SPLIT_PATTERN, splitRegex } from "./split-pattern.js"
export { trainBpe, trainBpeFromCounts, countChunks, type TrainBpeOptions, type TrainedBpe } from "./bpe-trainer.js"
export { createTokenizer, parseRanks, ranksToText, type Tokenizer, type BpeTokenizer } from "./tokenizer.js"
export { BestFitPacker, createBatchLoader, type BatchLoader } from "./loader.js"
export { evaluateBpbOn, evaluationRows, type EvaluationSpec } from "./evaluate.js"
export { readSplit, writeSplit, type TokenSplit, type SplitStats } from "./token-cache.js"
export {
  prepare,
  prepareEffect,
  loadPrepared,
  loadPreparedEffect,
  loadTraining,
  type TrainingEnvironment,
  defaultCacheRoot,
  Manifest,
  type PrepareOptions,
  type PreparedEnvironment
} from "./prepare.js"
export { PreparedEvaluator } from "./evaluator-layer.js"
