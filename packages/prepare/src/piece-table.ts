// A hash table from pieces of text to their token ids that looks pieces up by position in the
// text (UTF-16 code units), so the encoder's hot loop builds no strings and hashes no string
// objects. Open addressing with linear probing; cleared when full to bound memory.

const EMPTY = -1

export class PieceTable {
  private slots: Int32Array
  private mask: number
  private hashes = new Int32Array(1024)
  private keyStart = new Int32Array(1024)
  private keyLength = new Int32Array(1024)
  private idStart = new Int32Array(1024)
  private idLength = new Int32Array(1024)
  private keys = new Uint16Array(1 << 16)
  private keysUsed = 0
  /** Token ids of every entry, back to back. */
  ids = new Int32Array(1 << 16)
  private idsUsed = 0
  size = 0

  constructor(private readonly maxEntries: number) {
    this.slots = new Int32Array(2048).fill(EMPTY)
    this.mask = 2047
  }

  static hash(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
    return h
  }

  /** The entry holding text[start, end), or -1. */
  find(text: string, start: number, end: number, hash: number): number {
    const length = end - start
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const e = this.slots[slot]!
      if (e === EMPTY) return -1
      if (this.hashes[e] === hash && this.keyLength[e] === length) {
        const k = this.keyStart[e]!
        let i = 0
        while (i < length && this.keys[k + i] === text.charCodeAt(start + i)) i++
        if (i === length) return e
      }
    }
  }

  /** Adds text[start, end) → ids; returns its entry (the table may have been cleared first). */
  add(text: string, start: number, end: number, hash: number, ids: ArrayLike<number>): number {
    if (this.size >= this.maxEntries) this.clear()
    if ((this.size + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    const e = this.size++
    if (e === this.hashes.length) this.growEntries()
    const length = end - start
    this.keys = ensure(this.keys, this.keysUsed + length)
    for (let i = 0; i < length; i++) this.keys[this.keysUsed + i] = text.charCodeAt(start + i)
    this.ids = ensure(this.ids, this.idsUsed + ids.length)
    this.ids.set(ids, this.idsUsed)
    this.hashes[e] = hash
    this.keyStart[e] = this.keysUsed
    this.keyLength[e] = length
    this.idStart[e] = this.idsUsed
    this.idLength[e] = ids.length
    this.keysUsed += length
    this.idsUsed += ids.length
    this.place(e)
    return e
  }

  idsStart(e: number) {
    return this.idStart[e]!
  }
  idsLength(e: number) {
    return this.idLength[e]!
  }

  private place(e: number) {
    let slot = this.hashes[e]! & this.mask
    while (this.slots[slot] !== EMPTY) slot = (slot + 1) & this.mask
    this.slots[slot] = e
  }

  private rehash(capacity: number) {
    this.slots = new Int32Array(capacity).fill(EMPTY)
    this.mask = capacity - 1
    for (let e = 0; e < this.size; e++) this.place(e)
  }

  private growEntries() {
    const n = this.hashes.length * 2
    this.hashes = grow(this.hashes, n)
    this.keyStart = grow(this.keyStart, n)
    this.keyLength = grow(this.keyLength, n)
    this.idStart = grow(this.idStart, n)
    this.idLength = grow(this.idLength, n)
  }

  private clear() {
    this.size = 0
    this.keysUsed = 0
    this.idsUsed = 0
    this.slots.fill(EMPTY)
  }
}

const grow = (a: Int32Array, n: number) => {
  const b = new Int32Array(n)
  b.set(a)
  return b
}

const ensure = <A extends Int32Array | Uint16Array>(a: A, needed: number): A => {
  if (needed <= a.length) return a
  const b = new (a.constructor as new (n: number) => A)(Math.max(needed, a.length * 2))
  b.set(a)
  return b
}
