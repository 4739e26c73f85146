// The reference's BOS-aligned best-fit packing. Every document starts with BOS; a row of
// T+1 tokens is filled by repeatedly taking the largest buffered document that fits the
// space left, and when none fits, the shortest one cropped to fill the row exactly (its
// remainder is dropped). No padding: every position holds a real token.
import type { TokenSplit } from "./token-cache.js"

export interface BatchLoader {
  readonly batch: number
  readonly seqLen: number
  /** Row-major `[batch, seqLen]`; `epoch` is 1 on the first pass over the split. */
  next(): { inputs: Int32Array; targets: Int32Array; epoch: number }
}

/** Packs rows from one split, cycling over its documents in their fixed order. */
export class BestFitPacker {
  private readonly starts: number[] = []
  private readonly lengths: number[] = []
  private cursor = 0
  /** Pass over the split of the most recently buffered document (1-based). */
  epoch = 1

  constructor(
    private readonly split: TokenSplit,
    private readonly bufferDocs: number
  ) {
    if (split.offsets.length < 2) throw new Error("cannot pack rows from a split with no documents")
  }

  private refill() {
    const nDocs = this.split.offsets.length - 1
    while (this.starts.length < this.bufferDocs) {
      if (this.cursor === nDocs) {
        this.cursor = 0
        this.epoch++
      }
      const start = this.split.offsets[this.cursor]!
      this.starts.push(start)
      this.lengths.push(this.split.offsets[this.cursor + 1]! - start)
      this.cursor++
    }
  }

  /** Fills `out[at .. at+size)` with one packed row. */
  fillRow(out: Int32Array, at: number, size: number) {
    const tokens = this.split.tokens
    const lengths = this.lengths
    let pos = 0
    while (pos < size) {
      this.refill()
      const remaining = size - pos
      let best = -1
      let bestLen = 0
      for (let i = 0; i < lengths.length; i++) {
        const l = lengths[i]!
        if (l <= remaining && l > bestLen) {
          best = i
          bestLen = l
        }
      }
      let take: number
      if (best >= 0) take = bestLen
      else {
        best = 0
        for (let i = 1; i < lengths.length; i++) if (lengths[i]! < lengths[best]!) best = i
        take = remaining
      }
      const start = this.starts[best]!
      out.set(tokens.subarray(start, start + take), at + pos)
      pos += take
      this.starts.splice(best, 1)
      lengths.splice(best, 1)
    }
  }
}

export const createBatchLoader = (split: TokenSplit, batch: number, seqLen: number, bufferDocs: number): BatchLoader => {
  if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(seqLen) || seqLen < 1) {
    throw new RangeError(`batch and seqLen must be positive integers, got ${batch} and ${seqLen}`)
  }
  const packer = new BestFitPacker(split, bufferDocs)
  const width = seqLen + 1
  const rows = new Int32Array(batch * width)
  return {
    batch,
    seqLen,
    next() {
      for (let b = 0; b < batch; b++) packer.fillRow(rows, b * width, width)
      const inputs = new Int32Array(batch * seqLen)
      const targets = new Int32Array(batch * seqLen)
      for (let b = 0; b < batch; b++) {
        inputs.set(rows.subarray(b * width, b * width + seqLen), b * seqLen)
        targets.set(rows.subarray(b * width + 1, b * width + width), b * seqLen)
      }
      return { inputs, targets, epoch: packer.epoch }
    }
  }
}
