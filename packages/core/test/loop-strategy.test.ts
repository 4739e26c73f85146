// Search strategies through the real loop, on a scripted landscape: a scripted agent (test
// double) appends one move to the canvas, a scripted trainer (test double) scores the canvas.
// The best first step is a dead end; the better line starts at the second-best node.
import { describe, expect, it } from "vitest"
import { bestFirst, nodesOf, runLoop, type ExperimentRecord, type ProposalContext } from "../src/index.js"
import { InMemoryStore, InMemoryWorkspace, ScriptedAgent, ScriptedTrainer } from "../src/test/index.js"

const movesOf = (text: string) => (/const moves = "(\d*)"/.exec(text) ?? /^move (\d*)$/.exec(text))![1]!

/**
 * From the start (2.0) the first move gives 1.90 and every move after it 1.902 (a dead end); the
 * second move gives 1.92 and every move after it 0.01 better than its parent; any other 2.1.
 */
const valueOf = (moves: string): number => {
  if (moves === "") return 2.0
  if (moves[0] === "0") return moves.length === 1 ? 1.9 : 1.902
  if (moves[0] === "1") return 1.92 - 0.01 * (moves.length - 1)
  return 2.1
}

/** A night on the landscape: the agent tries move 0, 1, 2, ... from each canvas in turn. */
const night = (workspace = InMemoryWorkspace.make({ files: { "train.ts": 'const moves = ""\n' } }), store = InMemoryStore.make()) => {
  const tries = new Map<string, number>()
  const agent = ScriptedAgent.make((_call, ctx: ProposalContext) => {
    const moves = movesOf(ctx.files[0]!.content)
    const n = tries.get(moves) ?? 0
    tries.set(moves, n + 1)
    return { description: `move ${moves}${n}`, edits: [{ path: "train.ts", old: `"${moves}"`, new: `"${moves}${n}"` }] }
  })
  const trainer = ScriptedTrainer.make(() => valueOf(movesOf(workspace.files()["train.ts"]!)))
  const run = (strategy: "greedy" | "best-first" | "islands", maxExperiments: number) =>
    runLoop({ tag: "t", budgetSeconds: 1, noiseRepeats: 0, strategy, maxExperiments, agent: agent.layer, trainer: trainer.layer, store: store.layer, workspace: workspace.layer })
  return { workspace, store, agent, run }
}

/** The tree from the records alone: each kept node's parent is another kept node (or none, the baseline). */
const treeOf = (records: ReadonlyArray<ExperimentRecord>) => {
  const nodes = nodesOf(records)
  const commits = new Set(nodes.map((node) => node.commit))
  for (const node of nodes) if (node.parent !== undefined) expect(commits.has(node.parent)).toBe(true)
  return nodes
}

describe("search strategies in the loop", () => {
  it("greedy stays on the best first step's dead end, as the reference does", async () => {
    const { run, store, workspace } = night()
    const summary = await run("greedy", 30)
    expect(summary.bestBpb).toBeCloseTo(1.9, 10)
    // Greedy records are as before: every experiment starts at the best, no node flags, no refs.
    for (const record of store.records) expect(record.advancesBest).toBeUndefined()
    expect(workspace.refs.size).toBe(0)
  })

  it("best-first finds the better branch off a non-best node, keeps nodes as refs, and ends at the best", async () => {
    const { run, store, workspace, agent } = night()
    const summary = await run("best-first", 30)
    expect(summary.bestBpb).toBeLessThan(1.85)
    const records = store.records
    // The second move off the start beat its parent (2.0) but not the best (1.90): a node, not the best.
    const branch = records.find((r) => r.description === "move 1")!
    expect(branch.status).toBe("keep")
    expect(branch.advancesBest).toBe(false)
    expect(branch.decisionReason).toContain("not the run's best")
    // Every kept node is pinned, and the work tree is left at the best.
    for (const record of records.filter((r) => r.status === "keep")) expect(workspace.refs.get(`node-${record.id}`)).toBe(record.commit)
    expect(workspace.head()).toBe(summary.bestCommit)
    expect(valueOf(movesOf(workspace.files()["train.ts"]!))).toBeCloseTo(summary.bestBpb!, 10)
    // The agent was told where it branched from and saw the way to that node: from the start,
    // the dead end's keep shows as kept on another branch.
    const fromStart = agent.contexts.find((ctx) => ctx.branch !== undefined && !ctx.branch.best && movesOf(ctx.files[0]!.content) === "")!
    expect(fromStart.branch!.id).toBe(1)
    expect(fromStart.history.find((r) => r.description === "move 0")?.status).toBe("discard")
    // Each experiment's parent is a kept node: the tree is rebuilt from the records alone.
    const nodes = treeOf(records)
    expect(nodes.length).toBe(records.filter((r) => r.status === "keep").length)
    for (const record of records.filter((r) => !r.baseline)) expect(nodes.some((node) => node.commit === record.parent)).toBe(true)
  })

  it("rebuilds the tree on a resume and goes on from the node the strategy picks on it", async () => {
    const first = night()
    await first.run("best-first", 12)
    const before = [...first.store.records]
    // A new session on the same store and work tree (the agent's memory of tries is lost).
    const resumed = night(first.workspace, InMemoryStore.make(before))
    const summary = await resumed.run("best-first", 30)
    const records = resumed.store.records
    expect(records.slice(0, before.length)).toEqual(before)
    expect(records[before.length]!.parent).toBe(bestFirst().choose(nodesOf(before)))
    treeOf(records)
    expect(summary.bestBpb).toBeLessThan(1.85)
  })

  it("islands: each island a greedy line from its own best; the second island's line finds the better branch", async () => {
    const { run, store } = night()
    const summary = await run("islands", 30)
    expect(summary.bestBpb).toBeLessThan(1.85)
    const records = store.records
    // Experiments take turns: the even ids on island 0 (the dead end after "move 0"), the odd on island 1.
    expect(records.find((r) => r.description === "move 1")).toMatchObject({ id: 3, status: "keep", advancesBest: false })
    for (const record of records.filter((r) => !r.baseline && r.id % 2 === 1)) expect(movesOf(record.description)).not.toMatch(/^0/)
    // Migration: the dead-end island (the worst) adopts the run's best, so later even ids start on the better line.
    expect(records.filter((r) => r.id % 2 === 0 && r.id > 20).some((r) => movesOf(r.description).startsWith("1"))).toBe(true)
    treeOf(records)
  })

  it("refuses an unknown strategy with a clear error", async () => {
    const { store, workspace } = night()
    const agent = ScriptedAgent.make([])
    const trainer = ScriptedTrainer.make([])
    await expect(
      runLoop({ tag: "t", budgetSeconds: 1, strategy: "tabu" as "greedy", agent: agent.layer, trainer: trainer.layer, store: store.layer, workspace: workspace.layer })
    ).rejects.toThrow(/strategy/)
  })
})
