// Where the next experiment branches from: the search strategy. Every kept commit is a node of
// a tree (its parent is the commit it was branched from); a strategy picks the node the next
// experiment starts from. `greedy` is the reference (always the best); `best-first` may branch
// from any of the top-k nodes, chosen by an upper-confidence rule, so a node that stopped
// yielding gives way to a slightly worse one that has been tried less.
import type { ExperimentRecord } from "../domain.js"

/** A kept commit as a node of the search tree: its val_bpb, parent and how often it was branched from. */
export interface SearchNode {
  /** The kept commit: a git ref the workspace can reset to. */
  readonly commit: string
  /** The commit it was branched from (undefined for the baseline). */
  readonly parent: string | undefined
  readonly valBpb: number
  /** Experiments started from this node so far. */
  readonly visits: number
}

/** Picks the commit the next experiment branches from. */
export interface Strategy {
  readonly name: string
  /** The commit the next experiment starts from; undefined before the baseline is kept. */
  readonly choose: (nodes: ReadonlyArray<SearchNode>) => string | undefined
}

/** The tree of a run: each kept experiment's commit, with its visits counted from the records. */
export const nodesOf = (records: ReadonlyArray<ExperimentRecord>): ReadonlyArray<SearchNode> => {
  const visits = new Map<string, number>()
  for (const record of records) if (!record.baseline) visits.set(record.parent, (visits.get(record.parent) ?? 0) + 1)
  return records.flatMap((record) =>
    record.status === "keep" && record.metrics !== undefined && Number.isFinite(record.metrics.valBpb)
      ? [{ commit: record.commit, parent: record.baseline ? undefined : record.parent, valBpb: record.metrics.valBpb, visits: visits.get(record.commit) ?? 0 }]
      : []
  )
}

const best = (nodes: ReadonlyArray<SearchNode>) => nodes.reduce<SearchNode | undefined>((a, n) => (a === undefined || n.valBpb < a.valBpb ? n : a), undefined)

/** The reference: always the best node. */
export const greedy: Strategy = { name: "greedy", choose: (nodes) => best(nodes)?.commit }

/** The settings of `bestFirst`: how many top nodes may be branched from, and how much it explores. */
export interface BestFirstOptions {
  /** How many of the best nodes may be branched from. Default 5. */
  readonly topK?: number
  /** The exploration weight of the upper-confidence term. Default 2. */
  readonly exploration?: number
}

/**
 * Best-first with an upper-confidence rule over the top-k nodes: score = −(val − best) / spread
 * + c·√(ln(N + 1) / (visits + 1)), where spread is the range of the top-k values (so the rule
 * is the same on any scale of val_bpb) and N the visits of all of them. Ties go to the better node.
 */
export const bestFirst = (options: BestFirstOptions = {}): Strategy => {
  const topK = options.topK ?? 5
  const c = options.exploration ?? 2
  return {
    name: `best-first(top ${topK})`,
    choose: (nodes) => {
      const top = [...nodes].sort((a, b) => a.valBpb - b.valBpb).slice(0, topK)
      if (top.length === 0) return undefined
      const lowest = top[0]!.valBpb
      const spread = top.at(-1)!.valBpb - lowest || 1
      const total = top.reduce((sum, node) => sum + node.visits, 0)
      const score = (node: SearchNode) => -(node.valBpb - lowest) / spread + c * Math.sqrt(Math.log(total + 1) / (node.visits + 1))
      return top.reduce((a, n) => (score(n) > score(a) ? n : a)).commit
    }
  }
}
