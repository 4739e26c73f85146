// An agent's spend is a number of dollars, or null when it is unknown (a model without a
// price): never a made-up $0. Sums add what is known and count what is not.
import type { ExperimentRecord } from "./domain.js"

/** Dollars, or null when the amount spent is unknown. */
export type CostUsd = number | null

/** The sum of two spends: unknown when either is. */
export const addCost = (a: CostUsd, b: CostUsd): CostUsd => (a === null || b === null ? null : a + b)

/** What a set of experiments cost: the known dollars, and how many experiments' cost is unknown. */
export interface CostTotal {
  /** The sum of the known costs: the whole spend when `unknown` is 0, else a lower bound. */
  readonly knownUsd: number
  /** Experiments whose cost is unknown. */
  readonly unknown: number
}

/**
 * Sums the cost of `records`.
 *
 * @example
 * costTotal(records) // { knownUsd: 1.25, unknown: 2 }: at least $1.25
 */
export const costTotal = (records: ReadonlyArray<Pick<ExperimentRecord, "costUsd">>): CostTotal =>
  records.reduce<CostTotal>(
    (total, r) => (r.costUsd === null ? { ...total, unknown: total.unknown + 1 } : { ...total, knownUsd: total.knownUsd + r.costUsd }),
    { knownUsd: 0, unknown: 0 }
  )

/**
 * One cost in words: `$0.12`, or `?` when unknown.
 *
 * @example
 * formatCost(0.123) // "$0.12"; formatCost(null) // "?"
 */
export const formatCost = (usd: CostUsd): string => (usd === null ? "?" : `$${usd.toFixed(2)}`)

/**
 * A sum of costs in words: `$1.25`, or `at least $1.25 (2 experiments of unknown cost)`.
 *
 * @example
 * formatCostTotal({ knownUsd: 1.25, unknown: 0 }) // "$1.25"
 */
export const formatCostTotal = (total: CostTotal): string =>
  total.unknown === 0
    ? `$${total.knownUsd.toFixed(2)}`
    : `at least $${total.knownUsd.toFixed(2)} (${total.unknown} experiment${total.unknown === 1 ? "" : "s"} of unknown cost)`
