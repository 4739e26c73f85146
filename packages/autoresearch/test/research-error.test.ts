// runResearch rejects, and research() fails, with one documented type: ResearchError, whose
// `reason` names the failure behind it and whose `cause` is the original error.
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Agent, ConfigError, ResearchError, research, runResearch, Store, StoreError, type ResearchOptions } from "autoresearch"
import { InMemoryWorkspace, ScriptedAgent, ScriptedTrainer } from "autoresearch/test"

const options = (over: Partial<ResearchOptions> = {}): ResearchOptions => {
  const workspace = InMemoryWorkspace.make({ files: { "train.ts": "const lr = 0.01\n" } })
  return {
    dir: workspace.dir,
    tag: "errors",
    budgetSeconds: 1,
    noiseRepeats: 0,
    maxExperiments: 1,
    eventsLog: false,
    agent: ScriptedAgent.make([]).layer,
    trainer: ScriptedTrainer.make([1]).layer,
    workspace: workspace.layer,
    ...over
  }
}

const rejection = async (promise: Promise<unknown>): Promise<ResearchError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ResearchError)
  return error as ResearchError
}

/** A store whose files cannot be read: the loop cannot even open the run. */
const unreadableStore = Layer.succeed(
  Store,
  Store.of({
    open: Effect.fail(new StoreError({ message: "runs/errors/experiments.jsonl: line 2 is damaged", path: "runs/errors" })),
    append: () => Effect.void,
    list: Effect.succeed([])
  })
)

describe("ResearchError", () => {
  it("a bad option: reason ConfigError, the ConfigError as the cause, its message for a person", async () => {
    const error = await rejection(runResearch(options({ tag: "no spaces allowed" })))
    expect(error).toMatchObject({ _tag: "ResearchError", reason: "ConfigError", message: expect.stringMatching(/invalid configuration: .*tag must be/) })
    expect(error.cause).toBeInstanceOf(ConfigError)
  })

  it("a store that cannot be opened: reason StoreError", async () => {
    const error = await rejection(runResearch(options({ store: unreadableStore })))
    expect(error.reason).toBe("StoreError")
    expect(error.message).toBe("runs/errors/experiments.jsonl: line 2 is damaged")
    expect(error.cause).toBeInstanceOf(StoreError)
  })

  it("an agent layer that throws while it is built: reason Unexpected, the thrown value as the cause", async () => {
    const broken = Layer.effect(
      Agent,
      Effect.sync(() => {
        throw new TypeError("cannot read the agent's settings")
      })
    )
    const error = await rejection(runResearch(options({ agent: broken })))
    expect(error.reason).toBe("Unexpected")
    expect(error.message).toBe("cannot read the agent's settings")
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  it("research() fails with the same typed error in the Effect channel", async () => {
    const error = await Effect.runPromise(Effect.flip(research(options({ store: unreadableStore }))))
    expect(error).toBeInstanceOf(ResearchError)
    expect(error.reason).toBe("StoreError")
    const config = await Effect.runPromise(Effect.flip(research(options({ budgetSeconds: -1 }))))
    expect(config.reason).toBe("ConfigError")
  })
})
