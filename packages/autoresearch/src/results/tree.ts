// The search tree of a run: every kept node with the node it branched from (core's nodesOf),
// named by experiment id, with its depth and whether it lies on the way to the best. A greedy
// run's tree is one line; best-first's branches. Pure: records in, plain data out.
import { isNewBest, nodesOf, type ExperimentRecord } from "@autoresearch/core"

export interface TreeNode {
  /** The experiment that kept it. */
  readonly id: number
  readonly commit: string
  /** The experiment of the node it branched from; null for the baseline. */
  readonly parent: number | null
  readonly valBpb: number
  readonly description: string
  /** Experiments started from it. */
  readonly visits: number
  /** Steps from the baseline. */
  readonly depth: number
  /** On the way from the baseline to the run's best. */
  readonly onBestPath: boolean
}

export const searchTree = (records: ReadonlyArray<ExperimentRecord>): ReadonlyArray<TreeNode> => {
  const keptBy = new Map<string, ExperimentRecord>()
  for (const record of records) if (record.status === "keep" && !keptBy.has(record.commit)) keptBy.set(record.commit, record)
  const nodes = nodesOf(records)
  const parentOf = new Map(nodes.map((node) => [node.commit, node.parent !== undefined && keptBy.has(node.parent) ? node.parent : undefined]))
  const depthOf = (commit: string): number => {
    let depth = 0
    for (let at = parentOf.get(commit); at !== undefined && depth < nodes.length; at = parentOf.get(at)) depth++
    return depth
  }
  const best = records.findLast((record) => isNewBest(record) && record.metrics !== undefined)
  const onPath = new Set<string>()
  for (let at = best?.commit; at !== undefined && !onPath.has(at); at = parentOf.get(at)) onPath.add(at)
  return nodes.map((node) => {
    const parent = parentOf.get(node.commit)
    return {
      id: keptBy.get(node.commit)!.id,
      commit: node.commit.slice(0, 7),
      parent: parent !== undefined ? keptBy.get(parent)!.id : null,
      valBpb: node.valBpb,
      description: keptBy.get(node.commit)!.description,
      visits: node.visits,
      depth: depthOf(node.commit),
      onBestPath: onPath.has(node.commit)
    }
  })
}

/** Whether the run branched (a strategy other than greedy recorded its nodes). */
export const branched = (records: ReadonlyArray<ExperimentRecord>): boolean => records.some((record) => record.advancesBest !== undefined)
