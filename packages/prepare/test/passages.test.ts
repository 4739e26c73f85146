import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { toPassages } from "../src/sources/embedded.js"

const squeeze = (s: string) => s.replace(/\s+/g, "")

describe("passages of the embedded corpus", () => {
  it("cut text at sentence ends into pieces of at most the limit, losing only whitespace", () => {
    const sentence = fc
      .tuple(fc.stringMatching(/^[A-Z][a-z ,]{0,80}$/), fc.constantFrom(".", "!", "?", '."', ".)"), fc.constantFrom(" ", "\n", "  "))
      .map(([words, end, space]) => words + end + space)
    fc.assert(
      fc.property(fc.array(sentence, { maxLength: 40 }), fc.integer({ min: 20, max: 300 }), (sentences, limit) => {
        const text = sentences.join("")
        const passages = toPassages(text, limit)
        expect(squeeze(passages.join(""))).toBe(squeeze(text))
        for (const p of passages) {
          expect(p).toBe(p.trim())
          // Longer only when it is a single sentence that is itself longer than the limit.
          if (p.length > limit) expect(toPassages(p, limit)).toEqual([p])
        }
      }),
      { numRuns: 200 }
    )
  })

  it("keeps a text without sentence ends whole", () => {
    expect(toPassages("no full stop here at all", 5)).toEqual(["no full stop here at all"])
  })
})
