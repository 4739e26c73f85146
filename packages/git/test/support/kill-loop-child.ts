// The loop under the kill test: a real process running the real loop on a real git
// workspace, with the scripted agent and a child-process trainer double. Prints `ready` when
// the loop has started and `finished <id> <commit>` after each record is durable.
import { writeSync } from "node:fs"
import { join } from "node:path"
import { ResultsStore, runLoop } from "@autoresearch/core"
import { ScriptedAgent } from "@autoresearch/core/test"
import { GitWorkspace } from "../../src/index.js"
import { ProcessTrainerDouble } from "./process-trainer.js"

const [dir, maxExperiments, fakeTrain] = process.argv.slice(2) as [string, string, string]
const say = (line: string) => writeSync(1, `${line}\n`)

// Every 5th idea crashes and is repaired once asked; the rest move the learning rate.
const agent = ScriptedAgent.make((_call, ctx) => {
  const canvas = ctx.files[0]!.content
  if (ctx.feedback?.kind === "repair") return { description: "repair", edits: [{ path: "train.ts", old: "const crash = true", new: "const crash = false" }] }
  if (ctx.experimentId % 5 === 0) return { description: `crashy ${ctx.experimentId}`, edits: [{ path: "train.ts", old: "const crash = false", new: "const crash = true" }] }
  const lr = /const lr = [0-9.]+/.exec(canvas)![0]
  return { description: `lr for ${ctx.experimentId}`, edits: [{ path: "train.ts", old: lr, new: `const lr = ${(ctx.experimentId * 0.0137).toFixed(4)}` }] }
})

const summary = await runLoop({
  tag: "kill",
  budgetSeconds: 1,
  maxExperiments: Number(maxExperiments),
  noiseRepeats: 0,
  maxConsecutiveFailures: 1000,
  agent: agent.layer,
  trainer: ProcessTrainerDouble.layer(fakeTrain),
  store: ResultsStore.layer({ dir: join(dir, "runs", "kill") }),
  workspace: GitWorkspace.layer({ dir, editable: ["train.ts"] }),
  onEvent: (event) => {
    // Phases, so the test can tell where each kill landed.
    if (event._tag === "LoopStarted") say("ready")
    if (event._tag === "ExperimentStarted") say("phase propose-apply-commit")
    if (event._tag === "ProposalReady") say("phase train-decide-append")
    if (event._tag === "ExperimentFinished") say(`finished ${event.record.id} ${event.record.commit}\nphase reset-next`)
  }
})
say(`done ${JSON.stringify(summary)}`)
