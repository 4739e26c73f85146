import fc from "fast-check"
import { Tiktoken } from "tiktoken"
import { describe, expect, it } from "vitest"
import { countChunks, trainBpe, trainBpeFromCounts } from "../src/bpe-trainer.js"
import { SPLIT_PATTERN, splitRegex } from "../src/split-pattern.js"
import { createTokenizer, parseRanks } from "../src/tokenizer.js"
import { samplePassages } from "./fixtures.js"

const { train, heldOut } = samplePassages()
const options = { mergeableTokens: 508, maxChars: 1e9, docChars: 10_000 }
const trained = trainBpe(train, options)
const tokenizer = createTokenizer(trained.tokens)

/** UTF-8 round trip of a JavaScript string: lone surrogates become U+FFFD. */
const wellFormed = (s: string) => Buffer.from(s, "utf8").toString("utf8")

/** Straightforward BPE: recount every pair after every merge; same tie rule. */
const naiveBpe = (counts: Map<string, number>, target: number): Uint8Array[] => {
  const enc = new TextEncoder()
  const words = [...counts].map(([chunk, f]) => ({ ids: [...enc.encode(chunk)], f }))
  const tokens: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b))
  const ids = new Map<string, number>(tokens.map((t, i) => [Buffer.from(t).toString("latin1"), i]))
  while (tokens.length < target) {
    const pairs = new Map<string, number>()
    for (const w of words) for (let i = 0; i + 1 < w.ids.length; i++) {
      const k = `${w.ids[i]},${w.ids[i + 1]}`
      pairs.set(k, (pairs.get(k) ?? 0) + w.f)
    }
    let best: [number, number] | undefined
    let bestCount = 0
    for (const [k, c] of pairs) {
      const [a, b] = k.split(",").map(Number) as [number, number]
      if (c > bestCount || (c === bestCount && best !== undefined && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b]
        bestCount = c
      }
    }
    if (best === undefined) break
    const [a, b] = best
    const bytes = new Uint8Array([...tokens[a]!, ...tokens[b]!])
    const key = Buffer.from(bytes).toString("latin1")
    let id = ids.get(key)
    if (id === undefined) {
      id = tokens.length
      tokens.push(bytes)
      ids.set(key, id)
    }
    for (const w of words) {
      const out: number[] = []
      for (let i = 0; i < w.ids.length; i++) {
        if (i + 1 < w.ids.length && w.ids[i] === a && w.ids[i + 1] === b) {
          out.push(id)
          i++
        } else out.push(w.ids[i]!)
      }
      w.ids = out
    }
  }
  return tokens
}

/** tiktoken's rule applied in JavaScript: split with our JS regex, merge the lowest-ranked pair. */
const encodeInJs = (text: string, tokens: ReadonlyArray<Uint8Array>): number[] => {
  const rank = new Map(tokens.map((t, i) => [Buffer.from(t).toString("latin1"), i]))
  const out: number[] = []
  for (const m of text.matchAll(splitRegex())) {
    let parts = [...Buffer.from(m[0], "utf8")].map((b) => String.fromCharCode(b))
    for (;;) {
      let best = -1
      let bestRank = Infinity
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = rank.get(parts[i]! + parts[i + 1]!)
        if (r !== undefined && r < bestRank) {
          bestRank = r
          best = i
        }
      }
      if (best < 0) break
      parts = [...parts.slice(0, best), parts[best]! + parts[best + 1]!, ...parts.slice(best + 2)]
    }
    for (const p of parts) out.push(rank.get(p)!)
  }
  return out
}

describe("BPE tokenizer", () => {
  it("has the requested size with the 4 specials last and BOS first of them", () => {
    expect(tokenizer.vocabSize).toBe(512)
    expect(tokenizer.bosId).toBe(508)
    expect(tokenizer.decode([508, 509])).toBe("<|reserved_0|><|reserved_1|>")
    expect(Array.from(tokenizer.tokenBytes.slice(508))).toEqual([0, 0, 0, 0])
    expect(tokenizer.tokenBytes[65]).toBe(1)
  })

  it("round-trips random Unicode text (emoji, CJK, combining marks)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (s) => {
        expect(tokenizer.decode(tokenizer.encode(s))).toBe(s)
      }),
      { numRuns: 300 }
    )
    const mixed = "漢字とかな 🎉👩‍👩‍👧 naïve café ﬁ ΑΒΓ 123456 \r\n\t  end"
    expect(tokenizer.decode(tokenizer.encode(mixed))).toBe(mixed)
  })

  it("encodes lone surrogates as U+FFFD, as UTF-8 requires", () => {
    expect(tokenizer.decode(tokenizer.encode("a\ud800b\udc00"))).toBe("a\ufffdb\ufffd")
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }), (s) => {
        expect(tokenizer.decode(tokenizer.encode(s))).toBe(wellFormed(s))
      }),
      { numRuns: 300 }
    )
  })

  it("splits exactly as tiktoken does with the reference pattern on whole texts", () => {
    // Text from an alphabet of the pattern's edge cases, and a tokenizer trained on such text,
    // so merges exist across every kind of boundary and a different split shows up.
    const alphabet = "aZ ſ'sS\r\n\t0123456789.,!?-_é漢🎉\u0085\u00a0\ufeff\u3000'LlVvRrEeDdMmTt"
    const edgy = fc.string({ unit: fc.constantFrom(...Array.from(alphabet)), maxLength: 50 })
    const edgyTokens = trainBpe(fc.sample(edgy, { numRuns: 3000, seed: 7 }), { ...options, mergeableTokens: 700 }).tokens
    const edgyTokenizer = createTokenizer(edgyTokens)
    const wholeText = new Tiktoken(edgyTokenizer.ranksText, {}, SPLIT_PATTERN)
    fc.assert(
      fc.property(fc.oneof(edgy, fc.string({ unit: "grapheme", maxLength: 40 })), (s) => {
        const ids = Array.from(edgyTokenizer.encode(s))
        expect(ids).toEqual(Array.from(wholeText.encode_ordinary(s)))
        expect(ids).toEqual(encodeInJs(s, edgyTokens))
      }),
      { numRuns: 400 }
    )
    expect(SPLIT_PATTERN).toContain("\\p{N}{1,2}")
  })

  it("learns the same merges as a recount-every-merge implementation", () => {
    const { counts } = countChunks(train.slice(0, 60), 1e9, 10_000)
    const fast = trainBpeFromCounts(counts, { mergeableTokens: 400 }).tokens
    expect(fast.map((t) => Buffer.from(t).toString("hex"))).toEqual(naiveBpe(counts, 400).map((t) => Buffer.from(t).toString("hex")))
  })

  it("is identical when trained twice on the same text", () => {
    expect(createTokenizer(trainBpe(train, options).tokens).ranksText).toBe(tokenizer.ranksText)
  })

  it("compresses held-out text: fewer tokens than bytes", () => {
    const text = heldOut.join("\n")
    const bytes = Buffer.byteLength(text)
    const ids = tokenizer.encode(text)
    expect(ids.length).toBeLessThan(bytes * 0.6)
    expect(tokenizer.decode(ids)).toBe(text)
  })

  it("saves tiktoken ranks that parse back to the same tokens", () => {
    const parsed = parseRanks(tokenizer.ranksText)!
    expect(parsed.map((t) => Buffer.from(t).toString("hex"))).toEqual(trained.tokens.map((t) => Buffer.from(t).toString("hex")))
    expect(tokenizer.ranksText.split("\n")[65]).toBe(`${Buffer.from("A").toString("base64")} 65`)
    expect(parseRanks("QQ== 0\n")).toBeUndefined()
  })

  it("caps each document and the total characters read", () => {
    const { charsRead } = countChunks(["x".repeat(50), "y".repeat(50), "z".repeat(50)], 70, 30)
    expect(charsRead).toBe(90)
  })
})
