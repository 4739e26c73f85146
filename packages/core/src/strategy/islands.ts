// Islands: K greedy lines side by side. Experiment n (the baseline is 1) belongs to island
// (n − 2) mod K and starts from that island's best; a keep there becomes the island's best.
// Every `migrateEvery` experiments the worst island adopts the run's best (migration), so a
// line that went nowhere restarts from what works while the others keep their own ways.
// Everything is replayed from the records in store order, so a resume rebuilds the islands.
import type { ExperimentRecord } from "../domain.js"
import { isNewBest } from "./strategy.js"

/**
 * How the islands strategy splits a run.
 *
 * @example
 * islandBase(records, 7, { islands: 2 }) // the record experiment 7 builds on
 */
export interface IslandOptions {
  /** How many islands. */
  readonly islands: number
  /** Experiments between migrations. Default 3 × islands. */
  readonly migrateEvery?: number
}

/** The island of experiment `id` (2, 3, ... take turns; the baseline belongs to all). */
export const islandOf = (id: number, islands: number): number => (((id - 2) % islands) + islands) % islands

const valueOf = (record: ExperimentRecord) => record.metrics!.valBpb

/** The best of each island after `records` (store order); undefined before the baseline is kept. */
export const islandBests = (records: ReadonlyArray<ExperimentRecord>, options: IslandOptions): ReadonlyArray<ExperimentRecord | undefined> => {
  const k = options.islands
  const every = options.migrateEvery ?? 3 * k
  const bests: Array<ExperimentRecord | undefined> = Array.from({ length: k }, () => undefined)
  let best: ExperimentRecord | undefined
  let changes = 0
  for (const record of records) {
    const kept = record.status === "keep" && record.metrics !== undefined
    if (record.baseline) {
      if (kept) bests.fill((best = record))
      continue
    }
    changes++
    if (kept) {
      bests[islandOf(record.id, k)] = record
      if (isNewBest(record)) best = record
    }
    if (changes % every === 0 && best !== undefined) {
      let worst = 0
      for (let i = 1; i < k; i++) if (valueOf(bests[i]!) > valueOf(bests[worst]!)) worst = i
      bests[worst] = best
    }
  }
  return bests
}

/** The kept experiment that experiment `id` starts from: its island's best. */
export const islandBase = (records: ReadonlyArray<ExperimentRecord>, id: number, options: IslandOptions): ExperimentRecord | undefined =>
  islandBests(records, options)[islandOf(id, options.islands)]
