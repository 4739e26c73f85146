// The loop hands its seed (LoopConfig.seed, default 42) to every training run.
import { describe, expect, it } from "vitest"
import { makeRepo } from "./support/repo.js"
import { edit, runLoop } from "./support/loop.js"

describe("the loop's seed", () => {
  it("reaches every TrainSpec: 42 by default, the configured one otherwise", async () => {
    for (const [config, expected] of [[{}, 42], [{ seed: 7 }, 7]] as const) {
      const { promise, trainer } = await runLoop({
        dir: makeRepo(),
        config: { maxExperiments: 2, ...config },
        agent: [{ description: "lr", edits: [edit("lr = 0.01", "lr = 0.02")] }],
        trainer: [1, 0.9]
      })
      await promise
      expect(trainer.specs.map((s) => s.seed)).toEqual([expected, expected])
    }
  })
})
