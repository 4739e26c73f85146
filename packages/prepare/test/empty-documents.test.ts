// The original encodes every document with a leading BOS (encode(..., prepend=BOS)), so an empty
// document becomes [BOS] and takes its place in the packer like any other.
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { readSplit, writeSplit } from "../src/token-cache.js"
import { createTokenizer } from "../src/tokenizer.js"

const dir = mkdtempSync(join(tmpdir(), "empty-docs-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("empty documents", () => {
  it("are kept as [BOS]", async () => {
    const tokenizer = createTokenizer(Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)))
    async function* batches() {
      yield ["ab", "", "c"]
    }
    const stats = await writeSplit(dir, "val", batches(), tokenizer)
    expect(stats).toEqual({ docs: 3, tokens: 6 })
    const split = readSplit(dir, "val", stats)!
    const bos = tokenizer.bosId
    expect(Array.from(split.tokens)).toEqual([bos, 0x61, 0x62, bos, bos, 0x63])
    expect(Array.from(split.offsets)).toEqual([0, 3, 4, 6])
  })
})
