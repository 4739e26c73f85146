// A coordinator process on PostgreSQL whose agent is a TEST DOUBLE (each proposal sets
// `const d` to the experiment's number). Everything else is real: the advisory lock, the
// PostgreSQL store, the queue, git. Prints one line per event so a test can kill it mid-run.
import { ScriptedAgent } from "@autoresearch/core/test"
import { GitWorkspace } from "@autoresearch/git"
import { Effect, Layer } from "effect"
import { runDistributedResearch } from "../../src/index.js"

const [db, dir, remote, tag, max] = process.argv.slice(2)
const agent = ScriptedAgent.make((_, ctx) => {
  const d = /const d = (\d+)/.exec(ctx.files[0]!.content)![1]
  return { description: `d to ${ctx.experimentId}`, edits: [{ path: "train.ts", old: `const d = ${d}`, new: `const d = ${ctx.experimentId}` }] }
})

Effect.runPromise(
  runDistributedResearch({
    db: db!, dir: dir!, remote: remote!, tag: tag!, budgetSeconds: 1, parallel: 2, editable: ["train.ts"], maxExperiments: Number(max),
    leaseSeconds: 2, pollSeconds: 0.1,
    onEvent: (event) =>
      console.log(event._tag === "ExperimentFinished" ? `recorded ${event.record.id} ${event.record.status}` : event._tag === "Notice" ? `notice ${event.message}` : event._tag === "LoopStarted" ? `LoopStarted ${event.resumedAfter}` : event._tag)
  }).pipe(Effect.provide(Layer.merge(agent.layer, GitWorkspace.layer({ dir: dir!, editable: ["train.ts"] }))), Effect.either)
).then((outcome) => {
  if (outcome._tag === "Left") {
    console.log(`error: ${(outcome.left as { message?: string }).message ?? String(outcome.left)}`)
    process.exit(1)
  }
  console.log(`summary ${outcome.right.experiments}`)
  process.exit(0)
})
