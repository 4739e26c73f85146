// The tokenizer as the rest of the system sees it: tiktoken (WASM) encoding with our ranks
// and the reference split pattern, plain decoding, and the byte length of every token as the
// original's metric counts it.
import { Tiktoken } from "tiktoken"
import { SPECIAL_TOKENS } from "./profiles.js"
import { PieceTable } from "./piece-table.js"
import { SPLIT_PATTERN, splitRegex } from "./split-pattern.js"

/** Distinct pieces remembered by the encoder before it starts over (bounds memory). */
const PIECE_CACHE_LIMIT = 1 << 19

export interface Tokenizer {
  readonly vocabSize: number
  readonly bosId: number
  /** Ordinary text, no specials. Lone surrogates are encoded as U+FFFD (as UTF-8 requires). */
  readonly encode: (text: string) => Int32Array
  readonly decode: (ids: ArrayLike<number>) => string
}

/** A tokenizer built from mergeable token bytes (by rank) plus the 4 specials after them. */
export interface BpeTokenizer extends Tokenizer {
  /** Mergeable token bytes indexed by rank. */
  readonly tokens: ReadonlyArray<Uint8Array>
  /** Byte length per id as the original counts it (see decodedByteLength), 0 for the specials. */
  readonly tokenBytes: Int32Array
  /** The ranks file: one `base64(bytes) rank` line per mergeable token (tiktoken's format). */
  readonly ranksText: string
}

// Python's bytes.decode("utf-8", errors="replace") and this decoder replace the same maximal
// invalid subsequences with U+FFFD; ignoreBOM keeps a leading U+FEFF as Python does.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true })

/**
 * The original's token_bytes entry: len(enc.decode([id]).encode("utf-8")). tiktoken's decode
 * turns every partial or malformed UTF-8 sequence into U+FFFD, which counts 3 bytes: a token
 * holding the first two bytes of a 3-byte character counts 3, a lone continuation byte 3, not 1.
 * Kept because the metric's denominator must be the original's (docs/prepare.md).
 */
export const decodedByteLength = (bytes: Uint8Array): number => Buffer.byteLength(utf8.decode(bytes), "utf8")

export const ranksToText = (tokens: ReadonlyArray<Uint8Array>): string =>
  tokens.map((bytes, rank) => `${Buffer.from(bytes).toString("base64")} ${rank}`).join("\n") + "\n"

/** Parses a ranks file; returns undefined for anything that is not a dense, unique rank list. */
export const parseRanks = (text: string): Array<Uint8Array> | undefined => {
  const lines = text.split("\n").filter((l) => l.length > 0)
  const tokens: Uint8Array[] = new Array(lines.length)
  const seen = new Set<string>()
  for (const line of lines) {
    const space = line.indexOf(" ")
    const rank = Number(line.slice(space + 1))
    if (space <= 0 || !Number.isInteger(rank) || rank < 0 || rank >= lines.length || tokens[rank] !== undefined) return undefined
    const b64 = line.slice(0, space)
    if (seen.has(b64)) return undefined
    seen.add(b64)
    tokens[rank] = new Uint8Array(Buffer.from(b64, "base64"))
  }
  if (lines.length < 256 || tokens.slice(0, 256).some((t, i) => t.length !== 1 || t[0] !== i)) return undefined
  return tokens
}

export const createTokenizer = (tokens: ReadonlyArray<Uint8Array>): BpeTokenizer => {
  const ranksText = ranksToText(tokens)
  const nMergeable = tokens.length
  const vocabSize = nMergeable + SPECIAL_TOKENS.length
  const specials: Record<string, number> = {}
  SPECIAL_TOKENS.forEach((name, i) => (specials[name] = nMergeable + i))
  const tiktoken = new Tiktoken(ranksText, specials, SPLIT_PATTERN)
  const tokenBytes = new Int32Array(vocabSize)
  tokens.forEach((t, i) => (tokenBytes[i] = decodedByteLength(t)))
  const specialBytes = SPECIAL_TOKENS.map((name) => new TextEncoder().encode(name))

  // tiktoken encodes every regex piece on its own, so encoding = split + BPE per piece. The
  // split runs in JavaScript (the same split: see split-pattern.ts and its test) and each
  // distinct piece goes through tiktoken once, then is looked up by its position in the text
  // (no strings built); natural text repeats its pieces, so this is about twice as fast as
  // handing tiktoken whole documents, and identical (tested).
  const regex = splitRegex()
  const pieces = new PieceTable(PIECE_CACHE_LIMIT)
  let scratch = new Int32Array(1 << 16)
  const encode = (text: string): Int32Array => {
    let n = 0
    regex.lastIndex = 0
    let m: RegExpExecArray | null
    while ((m = regex.exec(text)) !== null) {
      const start = m.index
      const end = regex.lastIndex
      const hash = PieceTable.hash(text, start, end)
      let e = pieces.find(text, start, end, hash)
      if (e < 0) e = pieces.add(text, start, end, hash, tiktoken.encode_ordinary(m[0]))
      const from = pieces.idsStart(e)
      const count = pieces.idsLength(e)
      if (n + count > scratch.length) {
        const grown = new Int32Array(Math.max(scratch.length * 2, n + count))
        grown.set(scratch.subarray(0, n))
        scratch = grown
      }
      const ids = pieces.ids
      for (let i = 0; i < count; i++) scratch[n++] = ids[from + i]!
    }
    return scratch.slice(0, n)
  }
  const decode = (ids: ArrayLike<number>): string => {
    let total = 0
    for (let i = 0; i < ids.length; i++) total += bytesOf(ids[i]!).length
    const out = new Uint8Array(total)
    let pos = 0
    for (let i = 0; i < ids.length; i++) {
      const b = bytesOf(ids[i]!)
      out.set(b, pos)
      pos += b.length
    }
    return utf8.decode(out)
  }
  const bytesOf = (id: number): Uint8Array => {
    if (id >= 0 && id < nMergeable) return tokens[id]!
    if (id >= nMergeable && id < vocabSize) return specialBytes[id - nMergeable]!
    throw new RangeError(`token id ${id} is outside the vocabulary of ${vocabSize}`)
  }
  return { vocabSize, bosId: nMergeable, encode, decode, tokens, tokenBytes, ranksText }
}
