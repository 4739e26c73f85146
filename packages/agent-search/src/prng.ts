// A small seeded generator (mulberry32): the search's only randomness, so a seed and a
// history always give the same proposal, and a resumed run continues as it would have.

export const makeRandom = (...seeds: ReadonlyArray<number>): (() => number) => {
  let state = seeds.reduce((acc, seed) => Math.imul(acc ^ (seed >>> 0), 0x9e3779b1) >>> 0, 0x2545f491)
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
