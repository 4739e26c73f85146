// The evaluation plan: which rows each of the two evaluation processes sees, in which batches,
// and where the parent asks for full distributions. Every choice comes from the parent's
// crypto RNG at run time, so a canvas cannot know it:
//   - the real rows (the fixed val rows of val_bpb) are split at random between process 0 and 1;
//   - twins: a copy of a real row whose tokens from a secret cut c on come from another real
//     row; it goes to the *other* process (no shared memory, no shared state), and a causal
//     model must give it the same outputs as its original at every position before c;
//   - repeats: a copy of a real row in the other process, which must get the same outputs
//     (a model that adapts while it is evaluated gets different ones);
//   - reveals: after a batch's log-probabilities are in, full distributions at random positions
//     (and at every twin's cut) must normalise and agree with them.
// Twins and repeats are rows of real text with the same shape, at random places in ordinary
// batches; only the real rows are scored.
import { randomInt } from "node:crypto"

export interface PlannedRow {
  /** Index into `EvalPlan.rows`. */
  readonly id: number
  readonly tokens: Int32Array
  readonly kind: "real" | "twin" | "repeat"
  /** The real row it copies (itself for a real row). */
  readonly source: number
  /** Twins: the first position whose token differs from the source. */
  readonly cut?: number
  readonly process: 0 | 1
}

export interface EvalPlan {
  readonly seqLen: number
  readonly batchSize: number
  readonly rows: ReadonlyArray<PlannedRow>
  /** Per process, its batches of row ids (every batch full). */
  readonly batches: readonly [number[][], number[][]]
  /** Per process and batch, the flat positions (b * seqLen + t) whose distributions are asked. */
  readonly reveals: readonly [number[][], number[][]]
}

export interface PlanOptions {
  /** At least this many twins and repeats together; the last batch is filled with more. */
  readonly extras: number
  /** The share of the extras that are twins (the rest are repeats). */
  readonly twinShare: number
  /** Random positions revealed per batch (besides the twins' cuts). */
  readonly revealsPerBatch: number
}

/** About 12 % more rows than the scored ones: 16 extras for the cpu profile's 128 rows. */
export const defaultPlanOptions = (): PlanOptions => ({ extras: 16, twinShare: 0.7, revealsPerBatch: 32 })

const shuffle = <T>(items: T[]): T[] => {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[items[i], items[j]] = [items[j]!, items[i]!]
  }
  return items
}

/** A twin of `original`: its first `cut` tokens, then another real row's tokens from the cut on. */
const twinOf = (original: Int32Array, realRows: ReadonlyArray<Int32Array>) => {
  const seqLen = original.length - 1
  for (let attempt = 0; attempt < 100; attempt++) {
    const cut = 1 + randomInt(seqLen) // 1..seqLen: positions 0..cut-1 keep the prefix
    const donor = realRows[randomInt(realRows.length)]!
    if (donor === original || donor[cut] === original[cut]) continue
    const tokens = original.slice()
    tokens.set(donor.subarray(cut), cut)
    return { tokens, cut }
  }
  return undefined
}

export const makePlan = (realRows: ReadonlyArray<Int32Array>, batchSize: number, options: PlanOptions): EvalPlan => {
  const n = realRows.length
  const seqLen = realRows[0]!.length - 1
  if (n < 2) throw new RangeError("the evaluation needs at least 2 rows")
  // Whole batches: the scored rows and at least `extras` more, split between the two processes.
  const totalBatches = Math.ceil((n + options.extras) / batchSize)
  const batchCount = shuffle([Math.ceil(totalBatches / 2), Math.floor(totalBatches / 2)]) as [number, number]
  const extras = totalBatches * batchSize - n
  const extrasIn: [number, number] = [Math.round(extras / 2), extras - Math.round(extras / 2)]
  const realIn = [batchCount[0] * batchSize - extrasIn[0], batchCount[1] * batchSize - extrasIn[1]]
  if (realIn[0]! < 1 || realIn[1]! < 1) throw new RangeError(`too few rows (${n}) for two evaluation processes`)

  const rows: PlannedRow[] = []
  const order = shuffle(Array.from({ length: n }, (_, i) => i))
  const owner = new Array<0 | 1>(n)
  order.forEach((row, k) => (owner[row] = k < realIn[0]! ? 0 : 1))
  realRows.forEach((tokens, i) => rows.push({ id: i, tokens, kind: "real", source: i, process: owner[i]! }))
  // Each extra goes to the process that does not hold its source row.
  for (const p of [0, 1] as const) {
    const sources = shuffle(order.filter((i) => owner[i] !== p))
    const twins = Math.round(extrasIn[p] * options.twinShare)
    for (let k = 0; k < extrasIn[p]; k++) {
      const source = sources[k % sources.length]!
      const twin = k < twins ? twinOf(realRows[source]!, realRows) : undefined
      rows.push(
        twin
          ? { id: rows.length, tokens: twin.tokens, kind: "twin", source, cut: twin.cut, process: p }
          : { id: rows.length, tokens: realRows[source]!, kind: "repeat", source, process: p }
      )
    }
  }

  const batches = ([0, 1] as const).map((p) => {
    const ids = shuffle(rows.filter((r) => r.process === p).map((r) => r.id))
    return Array.from({ length: ids.length / batchSize }, (_, b) => ids.slice(b * batchSize, (b + 1) * batchSize))
  }) as [number[][], number[][]]

  // Where each row sits, to reveal the twins' cuts on both sides.
  const slot = new Map<number, { p: 0 | 1; batch: number; b: number }>()
  batches.forEach((list, p) => list.forEach((ids, batch) => ids.forEach((id, b) => slot.set(id, { p: p as 0 | 1, batch, b }))))
  const reveals = batches.map((list) =>
    list.map(() => new Set(Array.from({ length: options.revealsPerBatch }, () => randomInt(batchSize * seqLen))))
  )
  for (const row of rows) {
    if (row.kind !== "twin") continue
    for (const id of [row.id, row.source]) {
      const s = slot.get(id)!
      reveals[s.p]![s.batch]!.add(s.b * seqLen + row.cut! - 1)
    }
  }
  return {
    seqLen,
    batchSize,
    rows,
    batches,
    reveals: reveals.map((list) => list.map((set) => shuffle([...set]))) as [number[][], number[][]]
  }
}
