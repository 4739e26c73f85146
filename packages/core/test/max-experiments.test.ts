// `maxExperiments` limits the experiments of one invocation: re-running the same script with the
// same tag (a resume after a crash, or the next night) runs that many more, never returns at once.
import { describe, expect, it } from "vitest"
import { runLoop, type ProposalContext } from "../src/index.js"
import { InMemoryStore, InMemoryWorkspace, ScriptedAgent, ScriptedTrainer } from "../src/test/index.js"

/** Each call raises depth by one, against whatever the best canvas is. */
const deeper = (_call: number, ctx: ProposalContext) => {
  const current = /const depth = (\d+)/.exec(ctx.files[0]!.content)!
  return { description: `depth ${Number(current[1]) + 1}`, edits: [{ path: "train.ts", old: current[0], new: `const depth = ${Number(current[1]) + 1}` }] }
}

describe("maxExperiments", () => {
  it("counts the experiments of this session: a resume of the same tag runs N more", async () => {
    const workspace = InMemoryWorkspace.make({ files: { "train.ts": "const depth = 4\n" } })
    const store = InMemoryStore.make()
    const agent = ScriptedAgent.make(deeper)
    const session = (maxExperiments: number) =>
      runLoop({
        tag: "night",
        budgetSeconds: 1,
        noiseRepeats: 0,
        maxExperiments,
        agent: agent.layer,
        trainer: ScriptedTrainer.make((call) => 2 - call / 100).layer,
        store: store.layer,
        workspace: workspace.layer
      })

    const first = await session(3)
    expect(first).toMatchObject({ experiments: 3, stopReason: "reached maxExperiments (3)" })
    const second = await session(2)
    // Two more experiments, numbered on from the first session; the summary covers the whole tag.
    expect(store.records.map((r) => r.id)).toEqual([1, 2, 3, 4, 5])
    expect(second).toMatchObject({ experiments: 5, stopReason: "reached maxExperiments (2)" })
    // The agent is told what is left of this session's limit.
    expect(agent.contexts.map((ctx) => ctx.remaining.experiments)).toEqual([2, 1, 2, 1])
  })
})
