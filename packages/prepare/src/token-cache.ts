// Tokenized documents on disk, so a run never re-tokenizes. Per split:
//   <split>.tokens  uint16 little-endian token ids, every document starting with BOS
//   <split>.offsets float64 little-endian document boundaries (docs + 1 entries)
// Each file is written to `<name>.<pid>.tmp` and renamed; the manifest is written last, so a
// directory without a valid manifest is never taken for a complete cache.
import { closeSync, openSync, readSync, renameSync, fstatSync, writeSync } from "node:fs"
import { join } from "node:path"
import type { Split } from "./sources/source.js"
import type { Tokenizer } from "./tokenizer.js"

export interface TokenSplit {
  readonly tokens: Uint16Array
  /** Start of each document in `tokens`, plus the end: documents + 1 entries. */
  readonly offsets: Float64Array
}

export interface SplitStats {
  readonly docs: number
  readonly tokens: number
}

export const splitFiles = (dir: string, split: Split) => ({
  tokens: join(dir, `${split}.tokens`),
  offsets: join(dir, `${split}.offsets`)
})

const FLUSH_TOKENS = 1 << 20

/**
 * Tokenizes a split's documents (BOS + text) into its cache files. An empty document is kept as
 * [BOS], as the original's encode(..., prepend=BOS) keeps it: the packer then places it like any other.
 */
export const writeSplit = async (
  dir: string,
  split: Split,
  batches: AsyncIterable<ReadonlyArray<string>>,
  tokenizer: Tokenizer,
  onDoc?: (docs: number) => void
): Promise<SplitStats> => {
  const files = splitFiles(dir, split)
  // Per-process temporary names: two prepares racing on one cache cannot mix their bytes.
  const tmp = { tokens: `${files.tokens}.${process.pid}.tmp`, offsets: `${files.offsets}.${process.pid}.tmp` }
  const fd = openSync(tmp.tokens, "w")
  const offsets: number[] = [0]
  let total = 0
  let pending = new Uint16Array(FLUSH_TOKENS)
  let fill = 0
  const flush = () => {
    writeSync(fd, new Uint8Array(pending.buffer, 0, fill * 2))
    fill = 0
  }
  try {
    for await (const batch of batches) {
      for (const text of batch) {
        const ids = tokenizer.encode(text)
        const n = ids.length + 1
        if (fill + n > pending.length) {
          flush()
          if (n > pending.length) pending = new Uint16Array(n)
        }
        pending[fill++] = tokenizer.bosId
        pending.set(ids, fill)
        fill += ids.length
        total += n
        offsets.push(total)
        if (onDoc !== undefined && (offsets.length - 1) % 256 === 0) onDoc(offsets.length - 1)
      }
    }
    flush()
  } finally {
    closeSync(fd)
  }
  onDoc?.(offsets.length - 1)
  writeAll(tmp.offsets, new Uint8Array(Float64Array.from(offsets).buffer))
  renameSync(tmp.tokens, files.tokens)
  renameSync(tmp.offsets, files.offsets)
  return { docs: offsets.length - 1, tokens: total }
}

const writeAll = (path: string, bytes: Uint8Array) => {
  const fd = openSync(path, "w")
  try {
    writeSync(fd, bytes)
  } finally {
    closeSync(fd)
  }
}

/** Reads a whole file into a fresh (aligned) ArrayBuffer. */
const readAligned = (path: string): ArrayBuffer => {
  const fd = openSync(path, "r")
  try {
    const size = fstatSync(fd).size
    const buffer = new ArrayBuffer(size)
    const view = new Uint8Array(buffer)
    for (let pos = 0; pos < size; ) {
      const n = readSync(fd, view, pos, size - pos, pos)
      if (n === 0) break
      pos += n
    }
    return buffer
  } finally {
    closeSync(fd)
  }
}

/** Reads a split back; undefined when its files do not match the recorded sizes. */
export const readSplit = (dir: string, split: Split, expected: SplitStats): TokenSplit | undefined => {
  const files = splitFiles(dir, split)
  const tokens = new Uint16Array(readAligned(files.tokens))
  const offsets = new Float64Array(readAligned(files.offsets))
  if (tokens.length !== expected.tokens || offsets.length !== expected.docs + 1) return undefined
  if (offsets[offsets.length - 1] !== tokens.length) return undefined
  return { tokens, offsets }
}
