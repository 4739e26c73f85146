// The fixed constants of an environment. A run records its profile so every experiment of
// the run is judged on the same data, tokenizer, sequence length and evaluation size.

/** The data profiles: "reference" (the original's constants) or "cpu" (small, for a laptop). */
export type ProfileName = "reference" | "cpu"

/** The fixed constants of a profile: sequence length, vocabulary, time budget, evaluation tokens, data. */
export interface Profile {
  readonly name: ProfileName
  /** Context length of training rows and of the fixed evaluation (reference 2048). */
  readonly maxSeqLen: number
  /** Seconds of training per experiment, start-up excluded (reference 300). */
  readonly timeBudgetSeconds: number
  /** Tokens of the pinned validation split scored by `evaluateBpb` (reference 40 × 524288). */
  readonly evalTokens: number
  /** Tokenizer size including the 4 reserved special tokens (reference 8192). */
  readonly vocabSize: number
  /** Rows per evaluation batch when the caller does not choose one. */
  readonly evalBatchSize: number
  /** Characters read to train the tokenizer (reference 1e9). */
  readonly tokenizerMaxChars: number
  /** Each document is capped at this many characters for tokenizer training (reference 10 000). */
  readonly tokenizerDocChars: number
  /** Documents held by the best-fit packer (reference ≥ 1000). */
  readonly loaderBufferDocs: number
  /** Training shards downloaded by the remote source (reference 10). */
  readonly remoteTrainShards: number
}

/**
 * Every profile by name.
 *
 * @example
 * profiles.cpu.timeBudgetSeconds
 */
export const profiles: Record<ProfileName, Profile> = {
  reference: {
    name: "reference",
    maxSeqLen: 2048,
    timeBudgetSeconds: 300,
    evalTokens: 40 * 524288,
    vocabSize: 8192,
    evalBatchSize: 128,
    tokenizerMaxChars: 1e9,
    tokenizerDocChars: 10_000,
    loaderBufferDocs: 1000,
    remoteTrainShards: 10
  },
  // Sized for 2 CPU cores under tfjs wasm (see docs/prepare.md): a sub-million-parameter model
  // sees a few hundred thousand tokens in a minute and its loss falls visibly; evaluation
  // (128 rows of 256) takes seconds.
  cpu: {
    name: "cpu",
    maxSeqLen: 256,
    timeBudgetSeconds: 60,
    evalTokens: 32_768,
    vocabSize: 2048,
    evalBatchSize: 16,
    tokenizerMaxChars: 1e9,
    tokenizerDocChars: 10_000,
    loaderBufferDocs: 1000,
    remoteTrainShards: 2
  }
}

export const profileNames = Object.keys(profiles) as ReadonlyArray<ProfileName>

/** The 4 reserved special tokens take the last ids of the vocabulary; BOS is the first of them. */
export const SPECIAL_TOKENS = ["<|reserved_0|>", "<|reserved_1|>", "<|reserved_2|>", "<|reserved_3|>"] as const
