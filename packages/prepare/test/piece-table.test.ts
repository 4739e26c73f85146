import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { PieceTable } from "../src/piece-table.js"

describe("PieceTable", () => {
  it("behaves like a Map from pieces to ids, also across growth and clearing", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (pieces, maxEntries) => {
          const table = new PieceTable(maxEntries)
          const model = new Map<string, number[]>()
          for (const piece of pieces) {
            // Look the piece up inside a longer text, as the encoder does.
            const text = `«${piece}»`
            const hash = PieceTable.hash(text, 1, 1 + piece.length)
            const e = table.find(text, 1, 1 + piece.length, hash)
            if (e >= 0) {
              const ids = Array.from(table.ids.subarray(table.idsStart(e), table.idsStart(e) + table.idsLength(e)))
              expect(ids).toEqual(model.get(piece))
            } else {
              if (model.size >= maxEntries) model.clear()
              const ids = Array.from(piece, (c) => c.charCodeAt(0))
              table.add(text, 1, 1 + piece.length, hash, ids)
              model.set(piece, ids)
            }
            expect(table.size).toBe(model.size)
          }
        }
      ),
      { numRuns: 200 }
    )
  })
})
