// Byte-level BPE training over unique pre-tokenized chunks with incremental pair counts.
//
// Each distinct chunk is a "word" with a frequency. Pair counts are kept for all adjacent
// token pairs; a max-heap (count desc, then pair ids asc: deterministic ties) picks the next
// merge. Stale heap entries are checked lazily against the live count. Only the words that
// contain the merged pair are rewritten, and only their pair counts change.
import { splitRegex } from "./split-pattern.js"

export interface TrainBpeOptions {
  /** Mergeable tokens wanted: 256 byte tokens plus merges (the vocabulary minus specials). */
  readonly mergeableTokens: number
  readonly onMerges?: (merges: number, totalMerges: number) => void
}

export interface TrainedBpe {
  /** Byte string of every mergeable token, indexed by rank (ranks 0-255 are the single bytes). */
  readonly tokens: ReadonlyArray<Uint8Array>
  readonly charsRead: number
  readonly uniqueChunks: number
}

/** Counts the distinct chunks of the documents, capping each and the total as the reference does. */
export const countChunks = (
  docs: Iterable<string>,
  maxChars: number,
  docChars: number,
  counts = new Map<string, number>()
): { counts: Map<string, number>; charsRead: number } => {
  const regex = splitRegex()
  let charsRead = 0
  for (const full of docs) {
    if (charsRead >= maxChars) break
    const doc = full.length > docChars ? full.slice(0, docChars) : full
    charsRead += doc.length
    regex.lastIndex = 0
    let m: RegExpExecArray | null
    while ((m = regex.exec(doc)) !== null) {
      const chunk = m[0]
      counts.set(chunk, (counts.get(chunk) ?? 0) + 1)
    }
  }
  return { counts, charsRead }
}

const PAIR_BASE = 65536
const pairKey = (a: number, b: number) => a * PAIR_BASE + b

/** Max-heap of (count, pair) ordered by count desc, then pair key asc. */
class PairHeap {
  private counts: number[] = []
  private keys: number[] = []
  get size() {
    return this.keys.length
  }
  private above(i: number, j: number) {
    const ci = this.counts[i]!
    const cj = this.counts[j]!
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!)
  }
  private swap(i: number, j: number) {
    const c = this.counts[i]!
    this.counts[i] = this.counts[j]!
    this.counts[j] = c
    const k = this.keys[i]!
    this.keys[i] = this.keys[j]!
    this.keys[j] = k
  }
  push(count: number, key: number) {
    this.counts.push(count)
    this.keys.push(key)
    let i = this.keys.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.above(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }
  /** Removes the top; returns [count, key]. */
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0]!, this.keys[0]!]
    const lastCount = this.counts.pop()!
    const lastKey = this.keys.pop()!
    const n = this.keys.length
    if (n > 0) {
      this.counts[0] = lastCount
      this.keys[0] = lastKey
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let best = i
        if (l < n && this.above(l, best)) best = l
        if (r < n && this.above(r, best)) best = r
        if (best === i) break
        this.swap(i, best)
        i = best
      }
    }
    return top
  }
}

const bytesKey = (bytes: Uint8Array) => {
  let s = ""
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!)
  return s
}

/** Trains byte-level BPE on the chunk counts; stops early only when no pair is left. */
export const trainBpeFromCounts = (counts: Map<string, number>, options: TrainBpeOptions): Omit<TrainedBpe, "charsRead"> => {
  const target = options.mergeableTokens
  if (target < 256 || target > PAIR_BASE) throw new RangeError(`mergeable tokens must be in [256, 65536], got ${target}`)
  const encoder = new TextEncoder()

  // Words: symbols stored back to back; each word keeps its start and its current length.
  const chunks = [...counts.keys()]
  const nWords = chunks.length
  const freq = new Float64Array(nWords)
  const start = new Int32Array(nWords)
  const len = new Int32Array(nWords)
  const encoded = chunks.map((c) => encoder.encode(c))
  const totalSymbols = encoded.reduce((s, e) => s + e.length, 0)
  const sym = new Int32Array(totalSymbols)
  let offset = 0
  for (let w = 0; w < nWords; w++) {
    freq[w] = counts.get(chunks[w]!)!
    start[w] = offset
    len[w] = encoded[w]!.length
    sym.set(encoded[w]!, offset)
    offset += encoded[w]!.length
  }

  const pairCount = new Map<number, number>()
  const where = new Map<number, number[]>()
  const addWhere = (key: number, w: number) => {
    const list = where.get(key)
    if (list === undefined) where.set(key, [w])
    else if (list[list.length - 1] !== w) list.push(w)
  }
  for (let w = 0; w < nWords; w++) {
    const s = start[w]!
    const f = freq[w]!
    for (let i = s; i < s + len[w]! - 1; i++) {
      const key = pairKey(sym[i]!, sym[i + 1]!)
      pairCount.set(key, (pairCount.get(key) ?? 0) + f)
      addWhere(key, w)
    }
  }
  const heap = new PairHeap()
  for (const [key, count] of pairCount) heap.push(count, key)

  const tokens: Uint8Array[] = []
  const idOfBytes = new Map<string, number>()
  for (let b = 0; b < 256; b++) {
    tokens.push(Uint8Array.of(b))
    idOfBytes.set(String.fromCharCode(b), b)
  }

  const seen = new Int32Array(nWords).fill(-1)
  const totalMerges = target - 256
  let merges = 0
  while (tokens.length < target && heap.size > 0) {
    const [count, key] = heap.pop()
    const live = pairCount.get(key) ?? 0
    if (live !== count) {
      if (live > 0) heap.push(live, key)
      continue
    }
    const a = Math.floor(key / PAIR_BASE)
    const b = key % PAIR_BASE
    const merged = new Uint8Array(tokens[a]!.length + tokens[b]!.length)
    merged.set(tokens[a]!, 0)
    merged.set(tokens[b]!, tokens[a]!.length)
    const mergedKey = bytesKey(merged)
    // Two merges can spell the same bytes ("ab"+"c" and "a"+"bc"); the tiktoken format needs
    // unique byte strings, so the second merge reuses the existing id.
    let id = idOfBytes.get(mergedKey)
    if (id === undefined) {
      id = tokens.length
      tokens.push(merged)
      idOfBytes.set(mergedKey, id)
    }
    merges++

    const touched = new Set<number>()
    const list = where.get(key)!
    where.delete(key)
    pairCount.delete(key)
    for (const w of list) {
      if (seen[w] === merges) continue
      seen[w] = merges
      const s = start[w]!
      const n = len[w]!
      let found = false
      for (let i = s; i < s + n - 1; i++) {
        if (sym[i] === a && sym[i + 1] === b) {
          found = true
          break
        }
      }
      if (!found) continue
      const f = freq[w]!
      for (let i = s; i < s + n - 1; i++) {
        const k = pairKey(sym[i]!, sym[i + 1]!)
        if (k !== key) pairCount.set(k, pairCount.get(k)! - f)
      }
      let out = s
      for (let i = s; i < s + n; i++) {
        if (i < s + n - 1 && sym[i] === a && sym[i + 1] === b) {
          sym[out++] = id
          i++
        } else sym[out++] = sym[i]!
      }
      len[w] = out - s
      for (let i = s; i < out - 1; i++) {
        const x = sym[i]!
        const y = sym[i + 1]!
        const k = pairKey(x, y)
        pairCount.set(k, (pairCount.get(k) ?? 0) + f)
        if (x === id || y === id) {
          addWhere(k, w)
          touched.add(k)
        }
      }
    }
    for (const k of touched) {
      const c = pairCount.get(k)!
      if (c > 0) heap.push(c, k)
    }
    if (options.onMerges !== undefined && (merges % 64 === 0 || tokens.length === target)) {
      options.onMerges(tokens.length - 256, totalMerges)
    }
  }
  return { tokens, uniqueChunks: nWords }
}

/** Trains byte-level BPE on documents: split, count unique chunks, merge. */
export const trainBpe = (
  docs: Iterable<string>,
  options: TrainBpeOptions & { readonly maxChars: number; readonly docChars: number }
): TrainedBpe => {
  const { counts, charsRead } = countChunks(docs, options.maxChars, options.docChars)
  return { ...trainBpeFromCounts(counts, options), charsRead }
}
