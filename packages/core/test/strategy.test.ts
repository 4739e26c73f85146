// Search strategies on scripted landscapes: a tree where the best first step is a dead end and
// the better branch starts from a node that is not the best.
import { describe, expect, it } from "vitest"
import { bestFirst, greedy, islandBests, islandOf, lineageOf, nodesOf, type SearchNode, type Strategy } from "../src/strategy/index.js"
import { experimentRecord } from "../src/test/index.js"

/**
 * From the root (2.0) the first idea gives A (1.90), the second B (1.92), later ones 2.1. Every
 * idea from A's line is a little worse than A (a dead end); every idea from B's line is 0.01
 * better than its parent. A change is kept as a node when it beats the node it branched from.
 */
const landscape = () => {
  const tried = new Map<string, number>()
  const line = new Map<string, "A" | "B">()
  return (parent: string, value: number): { commit: string; valBpb: number } => {
    const n = (tried.get(parent) ?? 0) + 1
    tried.set(parent, n)
    const commit = `${parent}.${n}`
    if (parent === "root") {
      const valBpb = n === 1 ? 1.9 : n === 2 ? 1.92 : 2.1
      if (n <= 2) line.set(commit, n === 1 ? "A" : "B")
      return { commit, valBpb }
    }
    const lineage = line.get(parent)!
    line.set(commit, lineage)
    return { commit, valBpb: lineage === "A" ? value + 0.002 : value - 0.01 }
  }
}

const simulate = (strategy: Strategy, experiments: number) => {
  const nodes = new Map<string, { parent: string | undefined; valBpb: number; visits: number }>([["root", { parent: undefined, valBpb: 2.0, visits: 0 }]])
  const next = landscape()
  for (let i = 0; i < experiments; i++) {
    const list: Array<SearchNode> = [...nodes].map(([commit, node]) => ({ commit, ...node }))
    const parent = strategy.choose(list)!
    const from = nodes.get(parent)!
    from.visits++
    const child = next(parent, from.valBpb)
    if (child.valBpb < from.valBpb) nodes.set(child.commit, { parent, valBpb: child.valBpb, visits: 0 })
  }
  return Math.min(...[...nodes.values()].map((node) => node.valBpb))
}

describe("strategies on a tree landscape", () => {
  it("greedy stays on the best first step's dead end; best-first finds the better branch off a non-best node", () => {
    expect(simulate(greedy, 30)).toBeCloseTo(1.9, 10)
    const found = simulate(bestFirst(), 30)
    expect(found).toBeLessThan(1.85)
  })

  it("best-first picks the best node while it has not been tried, and only the top k", () => {
    const nodes: Array<SearchNode> = [
      { commit: "a", parent: undefined, valBpb: 2.0, visits: 0 },
      { commit: "b", parent: "a", valBpb: 1.9, visits: 0 },
      { commit: "c", parent: "a", valBpb: 1.95, visits: 0 }
    ]
    expect(bestFirst().choose(nodes)).toBe("b")
    expect(greedy.choose(nodes)).toBe("b")
    const tired = nodes.map((n) => (n.commit === "b" ? { ...n, visits: 12 } : n))
    expect(bestFirst().choose(tired)).toBe("c")
    expect(bestFirst({ topK: 1 }).choose(tired)).toBe("b")
    expect(bestFirst().choose([])).toBeUndefined()
  })

  it("reads the tree from a run's records: kept commits as nodes, experiments as visits", () => {
    const records = [
      experimentRecord({ id: 1, description: "baseline", status: "keep", valBpb: 2.0, parent: "r", commit: "r" }),
      experimentRecord({ id: 2, description: "x", status: "keep", valBpb: 1.9, parent: "r", commit: "k2" }),
      experimentRecord({ id: 3, description: "y", status: "discard", valBpb: 1.95, parent: "k2", commit: "d3" }),
      experimentRecord({ id: 4, description: "z", status: "discard", valBpb: 1.95, parent: "k2", commit: "d4" })
    ]
    expect(nodesOf(records)).toEqual([
      { commit: "r", parent: undefined, valBpb: 2.0, visits: 1 },
      { commit: "k2", parent: "r", valBpb: 1.9, visits: 2 }
    ])
  })

  it("reads the way to a node from the records: its path's experiments while each was the tip, other branches' keeps as not kept", () => {
    const records = [
      experimentRecord({ id: 1, description: "baseline", status: "keep", valBpb: 2.0, parent: "r", commit: "r" }),
      experimentRecord({ id: 2, description: "a", status: "keep", valBpb: 1.9, parent: "r", commit: "a" }),
      experimentRecord({ id: 3, description: "a.1", status: "discard", valBpb: 1.95, parent: "a", commit: "d3" }),
      experimentRecord({ id: 4, description: "b", status: "keep", valBpb: 1.92, parent: "r", commit: "b" }),
      experimentRecord({ id: 5, description: "b.1", status: "keep", valBpb: 1.91, parent: "b", commit: "b1" }),
      experimentRecord({ id: 6, description: "b.2", status: "discard", valBpb: 1.95, parent: "b", commit: "d6" }),
      experimentRecord({ id: 7, description: "b1.1", status: "discard", valBpb: 1.95, parent: "b1", commit: "d7" })
    ]
    const way = lineageOf(records, "b1")
    expect(way.map((r) => [r.id, r.status])).toEqual([[1, "keep"], [2, "discard"], [4, "keep"], [5, "keep"], [7, "discard"]])
    expect(way[1]!.decisionReason).toMatch(/another branch/)
    // The way to the node a: b's line is another branch; experiments from r after a are dropped.
    expect(lineageOf(records, "a").map((r) => [r.id, r.status])).toEqual([[1, "keep"], [2, "keep"], [3, "discard"]])
    // On a greedy run (every experiment from the best) the way to the best is the whole history.
    const greedyRun = records.slice(0, 3)
    expect(lineageOf(greedyRun, "a")).toEqual(greedyRun)
  })

  it("islands take turns, each keeps its own best, and the worst adopts the run's best at each migration", () => {
    expect([2, 3, 4, 5].map((id) => islandOf(id, 2))).toEqual([0, 1, 0, 1])
    const records = [
      experimentRecord({ id: 1, description: "baseline", status: "keep", valBpb: 2.0, parent: "r", commit: "r" }),
      { ...experimentRecord({ id: 2, description: "a", status: "keep", valBpb: 1.9, parent: "r", commit: "a" }), advancesBest: true },
      { ...experimentRecord({ id: 3, description: "b", status: "keep", valBpb: 1.95, parent: "r", commit: "b" }), advancesBest: false },
      experimentRecord({ id: 4, description: "a.1", status: "discard", valBpb: 1.99, parent: "a", commit: "d4" })
    ]
    expect(islandBests(records.slice(0, 3), { islands: 2, migrateEvery: 3 }).map((r) => r?.commit)).toEqual(["a", "b"])
    // The third change triggers a migration: island 1 (1.95, the worst) adopts a (1.90).
    expect(islandBests(records, { islands: 2, migrateEvery: 3 }).map((r) => r?.commit)).toEqual(["a", "a"])
    expect(islandBests(records.slice(0, 0), { islands: 2 })).toEqual([undefined, undefined])
  })
})
