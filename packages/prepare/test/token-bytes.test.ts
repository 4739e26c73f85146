// Golden tests of the metric's denominator against the original's prepare.py:
//   token_bytes[id] = len(enc.decode([id]).encode("utf-8"))   (0 for the 4 specials)
// tiktoken's decode is bytes.decode("utf-8", errors="replace"): each partial or malformed UTF-8
// sequence becomes U+FFFD, 3 bytes once re-encoded. The expected lengths below were checked with
// CPython 3's bytes.decode("utf-8", "replace") on this machine.
//   val_bpb = Σ nats over targets with token_bytes > 0 / (ln 2 · Σ token_bytes of those targets)
import type { LossModel } from "@autoresearch/core"
import { describe, expect, it } from "vitest"
import { evaluateBpbOn } from "../src/evaluate.js"
import type { TokenSplit } from "../src/token-cache.js"
import { createTokenizer, decodedByteLength } from "../src/tokenizer.js"

const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"))

// 256 byte tokens, then merges that stop inside characters: "你" is e4 bd a0, "😀" is f0 9f 98 80.
const merges = ["e4bd", "e4bda0", "f09f", "f09f98", "61e4", "efbbbf"]
const tokenizer = createTokenizer([...Array.from({ length: 256 }, (_, b) => Uint8Array.of(b)), ...merges.map(hex)])
const id = (h: string) => 256 + merges.indexOf(h)

describe("token_bytes (the original's denominator)", () => {
  it("counts U+FFFD (3 bytes) for each partial or malformed sequence, as tiktoken's decode does", () => {
    expect(decodedByteLength(hex("e4bd"))).toBe(3) // first 2 of 3 bytes: one U+FFFD
    expect(decodedByteLength(hex("e4bda0"))).toBe(3) // the whole character
    expect(decodedByteLength(hex("f09f98"))).toBe(3) // first 3 of 4: one U+FFFD
    expect(decodedByteLength(hex("80"))).toBe(3) // a lone continuation byte
    expect(decodedByteLength(hex("8080"))).toBe(6) // two of them: two U+FFFD
    expect(decodedByteLength(hex("61e4"))).toBe(4) // "a" + a truncated start
    expect(decodedByteLength(hex("eda080"))).toBe(9) // an encoded surrogate: 3 replacements
    expect(decodedByteLength(hex("efbbbf"))).toBe(3) // a BOM is a character, not stripped
  })

  it("is what the tokenizer's tokenBytes holds for every id, specials 0", () => {
    for (let b = 0; b < 128; b++) expect(tokenizer.tokenBytes[b]).toBe(1)
    for (let b = 128; b < 256; b++) expect(tokenizer.tokenBytes[b]).toBe(3) // raw length would be 1
    expect(tokenizer.tokenBytes[id("e4bd")]).toBe(3) // raw 2
    expect(tokenizer.tokenBytes[id("e4bda0")]).toBe(3)
    expect(tokenizer.tokenBytes[id("f09f")]).toBe(3) // raw 2
    expect(tokenizer.tokenBytes[id("f09f98")]).toBe(3) // raw 3
    expect(tokenizer.tokenBytes[id("61e4")]).toBe(4) // raw 2
    expect(tokenizer.tokenBytes[id("efbbbf")]).toBe(3)
    expect(Array.from(tokenizer.tokenBytes.slice(256 + merges.length))).toEqual([0, 0, 0, 0])
  })
})

describe("val_bpb of a fixed model on a fixed text, by hand", () => {
  it("equals Σ nats / (ln 2 · Σ token_bytes) with the original's byte counts, to 1e-6", async () => {
    // With these merges "b你" encodes as [b][你]; the text is "b你" written as [b][e4 bd][a0],
    // what a vocabulary holding e4bd but not e4bda0 produces, so two targets are partial.
    expect(Array.from(tokenizer.encode("b你"))).toEqual([0x62, id("e4bda0")])
    expect(tokenizer.decode([0x62, id("e4bd"), 0xa0])).toBe("b你")
    const targets = [0x62, id("e4bd"), 0xa0]
    const doc = [tokenizer.bosId, ...targets]
    const val: TokenSplit = { tokens: Uint16Array.from(doc), offsets: Float64Array.of(0, doc.length) }
    // One row of seqLen 3 holds the whole document: inputs [BOS b e4bd], targets [b e4bd a0].
    const losses = new Map([
      [0x62, 0.5],
      [id("e4bd"), 1.25],
      [0xa0, 2.0]
    ])
    const model: LossModel = { perTokenLoss: (_inputs, t) => Float32Array.from(t, (target) => losses.get(target)!) }
    const result = await evaluateBpbOn(model, { val, tokenBytes: tokenizer.tokenBytes, evalTokens: 3, seqLen: 3, batchSize: 1, bufferDocs: 1 })
    // By hand: nats 0.5 + 1.25 + 2.0 = 3.75; bytes 1 + 3 + 3 = 7 (raw UTF-8 would be 1 + 2 + 1 = 4,
    // giving 1.3525266008334031); 3.75 / (ln 2 · 7) = 0.7728723433333733.
    expect(result.bytes).toBe(7)
    expect(result.tokens).toBe(3)
    expect(Math.abs(result.valBpb - 0.7728723433333733)).toBeLessThan(1e-6)
  })
})
