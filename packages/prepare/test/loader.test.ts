import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { BestFitPacker, createBatchLoader } from "../src/loader.js"
import type { TokenSplit } from "../src/token-cache.js"

const BOS = 0
/** A split from documents given as token lists (each must start with BOS). */
const splitOf = (docs: number[][]): TokenSplit => {
  const offsets = [0]
  for (const d of docs) offsets.push(offsets[offsets.length - 1]! + d.length)
  return { tokens: Uint16Array.from(docs.flat()), offsets: Float64Array.from(offsets) }
}

// A=5, B=3, C=4, D=9, E=2 tokens; rows of 8 (seqLen 7); a buffer of 3 documents.
const A = [BOS, 11, 12, 13, 14]
const B = [BOS, 21, 22]
const C = [BOS, 31, 32, 33]
const D = [BOS, 41, 42, 43, 44, 45, 46, 47, 48]
const E = [BOS, 51]

describe("best-fit packing", () => {
  it("packs the largest document that fits, else crops the shortest (hand-made example)", () => {
    const loader = createBatchLoader(splitOf([A, B, C, D, E]), 1, 7, 3)
    const rows: number[][] = []
    const epochs: number[] = []
    for (let i = 0; i < 3; i++) {
      const { inputs, targets, epoch } = loader.next()
      rows.push([...inputs, targets[targets.length - 1]!])
      expect(Array.from(targets.slice(0, 6))).toEqual(Array.from(inputs.slice(1)))
      epochs.push(epoch)
    }
    // row 1: buffer [A,B,C] → A (5 fits 8) → [B,C,D] → B (3 fits 3)
    expect(rows[0]).toEqual([...A, ...B])
    // row 2: [C,D,E] → C (D is too long) → [D,E,A'] → E → [D,A',B']: nothing fits 2 → crop B' (shortest)
    expect(rows[1]).toEqual([...C, ...E, ...B.slice(0, 2)])
    // row 3: [D,A',C'] → A' → [D,C',D']: nothing fits 3 → crop C'
    expect(rows[2]).toEqual([...A, ...C.slice(0, 3)])
    expect(epochs).toEqual([1, 2, 2])
  })

  it("breaks ties toward the document buffered first", () => {
    const X = [BOS, 1, 2]
    const Y = [BOS, 3, 4]
    const Z = [BOS, 5, 6, 7, 8, 9]
    const packer = new BestFitPacker(splitOf([X, Y, Z]), 3)
    const row = new Int32Array(5)
    // [X,Y,Z]: X and Y both fit 5 → X. [Y,Z,X']: nothing fits 2 → crop the shortest, Y before X'.
    packer.fillRow(row, 0, 5)
    expect(Array.from(row)).toEqual([...X, ...Y.slice(0, 2)])
  })

  it("fills every row completely, each starting with BOS, for any document lengths", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 33 }),
        fc.integer({ min: 1, max: 8 }),
        (lengths, seqLen, bufferDocs) => {
          const docs = lengths.map((n, d) => [BOS, ...Array.from({ length: n - 1 }, () => 100 + d)])
          const packer = new BestFitPacker(splitOf(docs), bufferDocs)
          const row = new Int32Array(seqLen + 1).fill(-1)
          for (let r = 0; r < 5; r++) {
            packer.fillRow(row, 0, seqLen + 1)
            expect(row[0]).toBe(BOS)
            expect(row.includes(-1)).toBe(false)
            row.fill(-1)
          }
        }
      ),
      { numRuns: 200 }
    )
  })
})
