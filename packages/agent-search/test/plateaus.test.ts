// The search agent's answers to what greedy coordinate search gets stuck on: a crash (backed
// off), coupled parameters (moved together), and a plateau that only a two-parameter move leaves.
import { backOff, coupledChanges, nextProposal, parseChanges, parseParameters, SearchAgent } from "@autoresearch/agent-search"
import { Agent, applyEdits, type ExperimentRecord } from "@autoresearch/core"
import { experimentRecord } from "@autoresearch/core/test"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"

const record = (id: number, description: string, status: ExperimentRecord["status"], valBpb: number | undefined, repairs = 0): ExperimentRecord => ({
  ...experimentRecord({ id, tag: "search", description, status, valBpb, parent: "p", commit: "c" }),
  repairs
})
const valuesOf = (content: string) => Object.fromEntries(parseParameters(content).map((p) => [p.name, (p.value as { value: number }).value]))

/**
 * A ridge: the loss falls as A and B grow together, but rises by more whenever one moves
 * without the other (|log A − log B|), so every single-parameter move from the start is worse.
 * C does not matter at all.
 */
const ridge = `const A_SCALE = 1.0
const B_SCALE = 1.0
const C_SCALE = 1.0

export const train = () => A_SCALE
`
const ridgeLoss = (content: string) => {
  const v = valuesOf(content)
  const a = Math.log2(v.A_SCALE!)
  const b = Math.log2(v.B_SCALE!)
  return 1 + 0.5 * Math.abs(a - b) - 0.1 * (a + b)
}

/** A scripted run (a test double for training: the landscape is known) of `n` experiments. */
const searchRidge = (n: number, options: { plateauAfter?: number }) =>
  Effect.gen(function* () {
    const agent = yield* Effect.provide(Agent, SearchAgent.layer({ seed: 5, ...options }))
    let best = ridge
    let bestLoss = ridgeLoss(ridge)
    const history: Array<ExperimentRecord> = [record(1, "baseline", "keep", bestLoss)]
    for (let id = 2; id <= n + 1; id++) {
      const files = [{ path: "train.ts", content: best }]
      const proposal = yield* Effect.either(agent.propose({ program: "", files, history, remaining: {}, experimentId: id }))
      if (proposal._tag === "Left") break
      const next = Either.getOrThrow(applyEdits(files, proposal.right.edits))[0]!.content
      const loss = ridgeLoss(next)
      const keep = loss < bestLoss - 1e-9
      history.push(record(id, proposal.right.description, keep ? "keep" : "discard", loss))
      if (keep) [best, bestLoss] = [next, loss]
    }
    return { bestLoss, history }
  })

describe("plateaus", () => {
  it.effect("a ridge no single move climbs: stuck without plateau moves, left with a two-parameter move", () =>
    Effect.gen(function* () {
      const greedy = yield* searchRidge(30, { plateauAfter: 0 })
      expect(greedy.bestLoss).toBe(1)
      const withPlateau = yield* searchRidge(30, {})
      expect(withPlateau.bestLoss).toBeLessThan(0.8)
      const pairs = withPlateau.history.filter((r) => r.description.startsWith("plateau: "))
      expect(pairs.length).toBeGreaterThan(0)
      const firstPair = withPlateau.history.findIndex((r) => r.description.startsWith("plateau: "))
      // It waited for six experiments without a keep before trying pairs.
      expect(withPlateau.history.slice(1, firstPair).every((r) => r.status !== "keep")).toBe(true)
      expect(firstPair).toBe(7)
      expect(parseChanges(pairs[0]!.description)!.changes).toHaveLength(2)
    })
  )

  it("by default gives every parameter a single move before it moves pairs", () => {
    const names = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"].map((letter) => `${letter}_LR`)
    const canvas = names.map((name) => `const ${name} = 0.1\n`).join("")
    const history = [record(1, "baseline", "keep", 1)]
    for (let id = 2; id <= 12; id++) {
      const proposal = nextProposal(canvas, history, id, { seed: 3 })
      if (proposal._tag !== "Proposal") throw new Error(proposal.reason)
      history.push(record(id, proposal.proposal.description, "discard", 1.1))
    }
    const descriptions = history.slice(1).map((r) => r.description)
    // Ten single moves (one per parameter, the opposite direction after a failure may come
    // first), and no pair until ten experiments in a row went without a keep.
    expect(descriptions.slice(0, 10).some((d) => d.startsWith("plateau: "))).toBe(false)
    expect(descriptions[10]).toMatch(/^plateau: /)
  })

  it("widens its step on a plateau", () => {
    const canvas = "const MATRIX_LR = 0.04\nconst WEIGHT_DECAY = 0.2\n"
    const history = [record(1, "baseline", "keep", 1), ...[2, 3, 4, 5, 6, 7].map((id) => record(id, `WEIGHT_DECAY 0.2 → ${0.2 + id / 100}`, "discard", 1.1))]
    const normal = nextProposal(canvas, history.slice(0, 3), 8, { seed: 1, include: ["MATRIX_LR"] })
    const wide = nextProposal(canvas, history, 8, { seed: 1, include: ["MATRIX_LR"], plateauAfter: 6 })
    expect(normal._tag === "Proposal" && normal.proposal.description).toMatch(/^MATRIX_LR 0.04 → (0.08|0.02)$/)
    // Odd plateau experiments widen (even ones move pairs; a single parameter has no pair).
    expect(wide._tag === "Proposal" && wide.proposal.description).toMatch(/^MATRIX_LR 0.04 → (0.16|0.01)$/)
  })
})

describe("coupled parameters", () => {
  const canvas = "const DEPTH = 4\nconst HEAD_DIM = 32\nconst MODEL_DIM = 256\nconst TOTAL_BATCH_SIZE = 2 ** 12\nconst DEVICE_BATCH_SIZE = 8\nconst MATRIX_LR = 0.04\nconst EMBEDDING_LR = 0.6\nconst WEIGHT_DECAY = 0.2\n"
  const config = new Map(parseParameters(canvas).map((p) => [p.name, p.value]))

  it("scales the learning rates by √ of a batch change and the width with the depth", () => {
    const batch = coupledChanges(config, "TOTAL_BATCH_SIZE", config.get("TOTAL_BATCH_SIZE")!, { type: "number", value: 2 ** 13, form: "pow2" })
    expect(Object.fromEntries([...batch].map(([k, v]) => [k, (v as { value: number }).value]))).toEqual({ MATRIX_LR: 0.0566, EMBEDDING_LR: 0.849 })
    // A smaller step halves the micro-batch too: 2^11 tokens cannot hold one micro-batch of 8 × 512.
    const smaller = coupledChanges(config, "TOTAL_BATCH_SIZE", config.get("TOTAL_BATCH_SIZE")!, { type: "number", value: 2 ** 11, form: "pow2" })
    expect(Object.fromEntries([...smaller].map(([k, v]) => [k, (v as { value: number }).value]))).toEqual({ DEVICE_BATCH_SIZE: 4, MATRIX_LR: 0.0283, EMBEDDING_LR: 0.424 })
    const depth = coupledChanges(config, "DEPTH", config.get("DEPTH")!, { type: "number", value: 6, form: "int" })
    expect(Object.fromEntries([...depth].map(([k, v]) => [k, (v as { value: number }).value]))).toEqual({ MODEL_DIM: 384 })
    expect(coupledChanges(config, "WEIGHT_DECAY", config.get("WEIGHT_DECAY")!, { type: "number", value: 0.4, form: "float" }).size).toBe(0)
  })

  it("proposes a batch move with its learning rates in one experiment, and replays it from the history", () => {
    const history = [record(1, "baseline", "keep", 1)]
    const proposal = nextProposal(canvas, history, 2, { seed: 0, include: ["TOTAL_BATCH_SIZE"] })
    expect(proposal._tag).toBe("Proposal")
    if (proposal._tag !== "Proposal") return
    const parsed = parseChanges(proposal.proposal.description)!
    expect(parsed.changes.map((c) => c.name)).toEqual(["TOTAL_BATCH_SIZE", "MATRIX_LR", "EMBEDDING_LR"])
    expect(proposal.proposal.lines).toHaveLength(3)
    // After it fails, the same coupled move is not proposed again.
    const after = nextProposal(canvas, [...history, record(2, proposal.proposal.description, "discard", 1.1)], 3, { seed: 0, include: ["TOTAL_BATCH_SIZE"] })
    expect(after._tag === "Proposal" && after.proposal.description).not.toBe(proposal.proposal.description)
    const alone = nextProposal(canvas, history, 2, { seed: 0, include: ["TOTAL_BATCH_SIZE"], couple: false })
    expect(alone._tag === "Proposal" && alone.proposal.lines).toHaveLength(1)
    const noLr = nextProposal(canvas, history, 2, { seed: 0, include: ["TOTAL_BATCH_SIZE"], exclude: ["EMBEDDING_LR"] })
    expect(noLr._tag === "Proposal" && noLr.proposal.description).not.toMatch(/EMBEDDING_LR/)
  })
})

describe("crashes", () => {
  const canvas = "const DEPTH = 4\nconst MATRIX_LR = 0.04\nconst TOTAL_BATCH_SIZE = 2 ** 12\n"

  it("backs off a crashed move halfway, then further", () => {
    const crashed = canvas.replace("DEPTH = 4", "DEPTH = 8")
    const first = backOff(crashed, "DEPTH 4 → 8")
    expect(first._tag === "Proposal" && first.proposal).toEqual({ description: "DEPTH 4 → 6", lines: [{ old: "const DEPTH = 8", new: "const DEPTH = 6" }] })
    const again = backOff(crashed.replace("DEPTH = 8", "DEPTH = 6"), "DEPTH 4 → 6")
    expect(again._tag === "Proposal" && again.proposal.description).toBe("DEPTH 4 → 5")
    expect(backOff(crashed.replace("DEPTH = 8", "DEPTH = 5"), "DEPTH 4 → 5")._tag).toBe("Exhausted")
    const lr = backOff(canvas.replace("0.04", "0.16"), "MATRIX_LR 0.04 → 0.16")
    expect(lr._tag === "Proposal" && lr.proposal.description).toBe("MATRIX_LR 0.04 → 0.08")
    const batch = backOff(canvas.replace("2 ** 12", "2 ** 14"), "TOTAL_BATCH_SIZE 2 ** 12 → 2 ** 14")
    expect(batch._tag === "Proposal" && batch.proposal.description).toBe("TOTAL_BATCH_SIZE 2 ** 12 → 2 ** 13")
  })

  it.effect("the agent repairs its own crashed move by backing off", () =>
    Effect.gen(function* () {
      const agent = yield* Effect.provide(Agent, SearchAgent.layer({ seed: 2, include: ["DEPTH"] }))
      const history = [record(1, "baseline", "keep", 1)]
      const base = { program: "", history, remaining: {}, experimentId: 2 }
      const files = [{ path: "train.ts", content: canvas }]
      const move = yield* agent.propose({ ...base, files })
      const crashed = Either.getOrThrow(applyEdits(files, move.edits))
      const repair = yield* agent.propose({ ...base, files: crashed, feedback: { kind: "repair", message: "out of memory" } })
      const repaired = valuesOf(Either.getOrThrow(applyEdits(crashed, repair.edits))[0]!.content)
      expect(move.description).toMatch(/^DEPTH 4 → (6|2)$/)
      expect(repaired.DEPTH).toBe(move.description.endsWith("6") ? 5 : 3)
    })
  )

  it("a kept repaired move is replayed with the value it really had", () => {
    // Experiment 2 proposed DEPTH 4 → 8, crashed, was backed off to 6 and kept; experiment 3
    // went up from 6 to 7 and was discarded: the direction that failed is up, not down.
    const current = canvas.replace("DEPTH = 4", "DEPTH = 6")
    const history = [record(1, "baseline", "keep", 1), record(2, "DEPTH 4 → 8", "keep", 0.9, 1), record(3, "DEPTH 6 → 7", "discard", 0.95)]
    const next = nextProposal(current, history, 4, { seed: 1, include: ["DEPTH"] })
    expect(next._tag === "Proposal" && next.proposal.description).toBe("DEPTH 6 → 3")
  })
})
