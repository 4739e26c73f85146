// Numpy-style broadcasting of shapes, as tfjs's ops define it.
export const broadcastShape = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): number[] => {
  const rank = Math.max(a.length, b.length)
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i] ?? 1
    const db = b[b.length - rank + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`Operands could not be broadcast together with shapes ${a} and ${b}.`)
    }
    return da === 1 ? db : da
  })
}

/** The shape with leading ones up to `rank`. */
export const padShape = (shape: ReadonlyArray<number>, rank: number): number[] => [
  ...new Array<number>(rank - shape.length).fill(1),
  ...shape
]
