// Progress of `prepare`, for the CLI's progress bars. Plain data so it can cross a process.

export type PrepareProgress =
  /** A phase begins; `message` is a short line for a log. */
  | { readonly _tag: "Phase"; readonly phase: PreparePhase; readonly message: string }
  /** Bytes of one remote file received so far (including a resumed part). */
  | {
      readonly _tag: "Download"
      readonly file: string
      readonly bytes: number
      readonly totalBytes: number | undefined
      readonly done: boolean
    }
  /** Tokenizer merges learned so far. */
  | { readonly _tag: "TokenizerMerges"; readonly merges: number; readonly totalMerges: number }
  /** Documents of one split tokenized into the cache so far. */
  | {
      readonly _tag: "Tokenizing"
      readonly split: "train" | "val"
      readonly docs: number
      readonly totalDocs: number | undefined
    }

export type PreparePhase = "download" | "read" | "tokenizer" | "tokenize" | "done" | "cached"

export type ProgressListener = (event: PrepareProgress) => void
