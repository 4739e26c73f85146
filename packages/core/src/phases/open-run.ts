// Open: decode the configuration, open (and repair) the store, check out the run branch, and
// on a resume reset the work tree to the best recorded commit.
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { Effect, Runtime } from "effect"
import { decodeLoopConfig, type LoopOptions } from "../config.js"
import type { ConfigError, ForeignStoreError, StoreError, WorkspaceError } from "../errors.js"
import { ResearchEvents, type ResearchEvent } from "../events.js"
import { Agent } from "../services/agent.js"
import { Store } from "../services/store.js"
import { Trainer } from "../services/trainer.js"
import { Workspace } from "../services/workspace.js"
import { pinNodes } from "./branch.js"
import { notice, type LoopRun } from "./run-context.js"
import { bestCommit, initialState, type LoopState } from "./state.js"

export const openRun = (
  options: LoopOptions
): Effect.Effect<{ readonly run: LoopRun; readonly state: LoopState }, ConfigError | StoreError | ForeignStoreError | WorkspaceError, Agent | Trainer | Store | Workspace | ResearchEvents> =>
  Effect.gen(function* () {
    const config = yield* decodeLoopConfig(options)
    const { signal, killSignal, runDir: givenRunDir, programFile } = options
    const agent = yield* Agent
    const trainer = yield* Trainer
    const store = yield* Store
    const workspace = yield* Workspace
    const events = yield* ResearchEvents
    const runtime = yield* Effect.runtime<never>()
    const publishNow = (event: ResearchEvent) => Runtime.runSync(runtime)(events.publish(event))

    const opened = yield* store.open
    const head = yield* workspace.prepare(config.tag)
    const runDir = givenRunDir ?? store.dir ?? join(workspace.dir, "runs", config.tag)
    const logsDir = join(runDir, "logs")
    mkdirSync(logsDir, { recursive: true })
    const program = yield* workspace.read(programFile ?? "program.md").pipe(Effect.orElseSucceed(() => ""))
    const run: LoopRun = {
      config,
      runtime: { signal, killSignal, runDir, programFile },
      agent,
      trainer,
      store,
      workspace,
      publish: events.publish,
      publishNow,
      runDir,
      logsDir,
      program
    }
    for (const repair of opened.repaired) yield* notice(run, `store repaired: ${repair}`)

    const state = initialState(opened.records, head)
    if (state.records.length > 0) {
      // A resume: whatever HEAD holds beyond the best (an experiment killed before it was
      // recorded, a discard killed before its reset, uncommitted edits) is thrown away.
      if (head !== bestCommit(state)) {
        yield* notice(run, `resuming: HEAD ${head.slice(0, 7)} holds an experiment that was not kept or never recorded; resetting to the best commit ${bestCommit(state).slice(0, 7)}`)
      }
      yield* workspace.reset(bestCommit(state))
    }
    yield* pinNodes(run, state.records)
    yield* run.publish({ _tag: "LoopStarted", tag: config.tag, resumedAfter: state.resumedAfter, bestCommit: bestCommit(state), bestBpb: state.best?.metrics?.valBpb })
    return { run, state }
  })
