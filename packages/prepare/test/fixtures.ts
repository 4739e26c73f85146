// Small real text for tests: the first addresses and chapters of the embedded corpus.
import { embeddedDocuments, toPassages } from "../src/sources/embedded.js"

let cached: ReadonlyArray<string> | undefined

/** Passages of the embedded corpus: train sample ≈ 250 KB, held-out sample after it. */
export const samplePassages = (): { train: string[]; heldOut: string[] } => {
  cached ??= embeddedDocuments()
  const docs = [...cached.slice(0, 20), ...cached.slice(233, 243)]
  const passages = docs.flatMap((d) => toPassages(d))
  const train: string[] = []
  let chars = 0
  while (chars < 250_000) {
    const p = passages[train.length]!
    train.push(p)
    chars += p.length
  }
  return { train, heldOut: passages.slice(train.length, train.length + 100) }
}
