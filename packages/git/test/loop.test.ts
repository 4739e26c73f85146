import { readFileSync, writeFileSync, existsSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { LoopInterrupt, makeResultsStore, nodeStoreIo, type ExperimentRecord, type StoreIo } from "@autoresearch/core"
import { CANVAS, git, makeRepo } from "./support/repo.js"
import { edit, runDirOf, runLoop } from "./support/loop.js"

const records = (dir: string): ReadonlyArray<ExperimentRecord> => Effect.runSync(makeResultsStore({ dir: runDirOf(dir) }).list)
const tsv = (dir: string) => readFileSync(join(runDirOf(dir), "results.tsv"), "utf8").trim().split("\n")
const canvas = (dir: string) => readFileSync(join(dir, "train.ts"), "utf8")
const head = (dir: string) => git(dir, "rev-parse", "HEAD")

describe("the research loop on a real git workspace", () => {
  it("baseline, keep, discard, crash, invalid edit, simplification keep", async () => {
    const dir = makeRepo()
    const { promise, agent, trainer } = await runLoop({
      dir,
      config: { maxExperiments: 6, repairAttempts: 0 },
      agent: [
        { description: "higher lr", edits: [edit("lr = 0.01", "lr = 0.02")] },
        { description: "deeper", edits: [edit("depth = 4", "depth = 8")] },
        { description: "broken", edits: [edit("depth = 4", "depth = oops")] },
        { description: "typo 1", edits: [edit("no such text", "x")] },
        { description: "typo 2", edits: [edit("no such text", "x")] },
        { description: "typo 3", edits: [edit("no such text", "x")] },
        { description: "drop a comment\tand\nsimplify", edits: [edit("// the canvas\n", "")] }
      ],
      trainer: [1.0, 0.9, 0.95, { crash: "error", message: "SyntaxError: oops", logTail: "at line 2: oops" }, 0.9]
    })
    const summary = await promise
    const recs = records(dir)
    expect(recs.map((r) => [r.id, r.status])).toEqual([[1, "keep"], [2, "keep"], [3, "discard"], [4, "crash"], [5, "invalid"], [6, "keep"]])
    expect(recs[0]!.baseline).toBe(true)
    expect(recs[5]!.decisionReason).toMatch(/simplification/)
    expect(recs[3]!.crash?.logTail).toBe("at line 2: oops")
    expect(recs[2]!.diffStat).toEqual({ files: 1, insertions: 1, deletions: 1 })
    expect(summary).toMatchObject({ experiments: 6, kept: 2, discarded: 1, crashed: 1, invalid: 1, baselineBpb: 1, bestBpb: 0.9, stopReason: "reached maxExperiments (6)" })
    // The crash's tail reaches the next proposal; edit failures come back as feedback.
    expect(agent.contexts[3]!.lastFailure).toEqual({ description: "broken", message: "SyntaxError: oops", logTail: "at line 2: oops" })
    expect(agent.contexts[4]!.feedback).toMatchObject({ kind: "edit_failed", message: expect.stringMatching(/not found/) })
    expect(agent.contexts[6]!.lastFailure?.description).toBe("typo 3")
    // The workspace holds the best commit: lr kept, depth discarded, comment dropped.
    expect(head(dir)).toBe(recs[5]!.commit)
    expect(summary.bestCommit).toBe(recs[5]!.commit)
    expect(canvas(dir)).toBe(CANVAS.replace("lr = 0.01", "lr = 0.02").replace("// the canvas\n", ""))
    expect(git(dir, "status", "--porcelain", "--untracked-files=no")).toBe("")
    expect(tsv(dir)).toEqual([
      "commit\tval_bpb\tmemory_gb\tstatus\tdescription",
      `${recs[0]!.commit.slice(0, 7)}\t1.000000\t1.0\tkeep\tbaseline`,
      `${recs[1]!.commit.slice(0, 7)}\t0.900000\t1.0\tkeep\thigher lr`,
      `${recs[2]!.commit.slice(0, 7)}\t0.950000\t1.0\tdiscard\tdeeper`,
      `${recs[3]!.commit.slice(0, 7)}\t0.000000\t0.0\tcrash\tbroken`,
      `${recs[4]!.commit.slice(0, 7)}\t0.000000\t0.0\tcrash\ttypo 3`,
      `${recs[5]!.commit.slice(0, 7)}\t0.900000\t1.0\tkeep\tdrop a comment and simplify`
    ])
    expect(trainer.specs.map((s) => s.logFile.split("/").pop())).toEqual(["1.log", "2.log", "3.log", "4.log", "6.log"])
    expect(readFileSync(join(runDirOf(dir), "logs", "2.log"), "utf8")).toMatch(/val_bpb: +0\.900000/)
    expect(git(dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("autoresearch/t")
  })

  it("lets the agent repair its crashed change, seeing the log tail", async () => {
    const dir = makeRepo()
    const { promise, agent } = await runLoop({
      dir,
      config: { maxExperiments: 2 },
      agent: [
        { description: "bigger", edits: [edit("depth = 4", "depth = 5;;")] },
        { description: "fix the typo", edits: [edit("depth = 5;;", "depth = 5")] }
      ],
      trainer: [1, { crash: "error", message: "parse error", logTail: "unexpected ;" }, 0.8]
    })
    await promise
    const recs = records(dir)
    expect(recs[1]).toMatchObject({ status: "keep", repairs: 1, description: "bigger" })
    expect(agent.contexts[1]!.feedback).toEqual({ kind: "repair", message: "parse error", logTail: "unexpected ;", description: "bigger" })
    expect(agent.contexts[1]!.files[0]!.content).toContain("depth = 5;;")
    expect(canvas(dir)).toContain("const depth = 5\n")
    expect(head(dir)).toBe(recs[1]!.commit)
  })

  it("rejects an agent edit to a non-canvas path and writes nothing", async () => {
    const dir = makeRepo()
    const { promise } = await runLoop({
      dir,
      config: { maxExperiments: 2, editAttempts: 1 },
      agent: [{ description: "sneaky", edits: [edit("lr = 0.01", "lr = 0.1"), { path: "notes.txt", old: "notes", new: "pwned" }] }],
      trainer: [1]
    })
    await promise
    const recs = records(dir)
    expect(recs[1]).toMatchObject({ status: "invalid", commit: recs[0]!.commit })
    expect(recs[1]!.decisionReason).toMatch(/notes\.txt is not editable/)
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("notes\n")
    expect(canvas(dir)).toBe(CANVAS)
    expect(git(dir, "status", "--porcelain", "--untracked-files=no")).toBe("")
  })

  it("records agent failures as agent_error and goes on; stops after N consecutive failures", async () => {
    const dir = makeRepo()
    const { promise } = await runLoop({
      dir,
      config: { maxExperiments: 20, maxConsecutiveFailures: 3 },
      agent: [
        { fail: "HTTP 500 after 3 retries", costUsd: 0.01 },
        { description: "ok", edits: [edit("lr = 0.01", "lr = 0.03")] },
        { fail: "timeout" },
        { fail: "429 rate limited" },
        { fail: "garbage response" },
        { description: "never reached", edits: [edit("lr", "x")] }
      ],
      trainer: [1, 0.9]
    })
    const summary = await promise
    const recs = records(dir)
    expect(recs.map((r) => r.status)).toEqual(["keep", "agent_error", "keep", "agent_error", "agent_error", "agent_error"])
    expect(recs[1]!.decisionReason).toBe("agent failed: HTTP 500 after 3 retries")
    expect(recs[1]!.costUsd).toBe(0.01)
    expect(summary.stopReason).toMatch(/3 experiments failed in a row .*garbage response/)
    expect(head(dir)).toBe(recs[2]!.commit)
  })

  it("faults: a hanging run is killed at its deadline, NaN and a trainer that cannot start are crashes", async () => {
    const dir = makeRepo()
    const { promise, trainer } = await runLoop({
      dir,
      config: { maxExperiments: 4, repairAttempts: 0, runTimeoutSeconds: 0.5 },
      agent: (call) => ({ description: `try ${call}`, edits: [edit("lr = 0.01", `lr = 0.0${call + 2}`)] }),
      trainer: (call) => [1, Number.NaN, { trainerError: "harness not found" }, 0.5][call]!,
      trainerOptions: { delayMs: 0 }
    })
    await promise
    const hang = await runLoop({
      dir,
      config: { maxExperiments: 1, runTimeoutSeconds: 0.5, repairAttempts: 0 },
      agent: [{ description: "hangs", edits: [edit("depth = 4", "depth = 9")] }],
      trainer: [0.1],
      trainerOptions: { delayMs: 30_000 }
    })
    const started = Date.now()
    await hang.promise
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(hang.trainer.specs[0]!.signal?.aborted).toBe(true)
    const recs = records(dir)
    expect(recs.map((r) => [r.status, r.crash?.reason])).toEqual([
      ["keep", undefined],
      ["crash", "nan"],
      ["crash", "error"],
      ["keep", undefined],
      ["crash", "timeout"]
    ])
    expect(recs[2]!.crash?.message).toBe("the trainer could not run: harness not found")
    expect(recs[4]!.crash?.message).toMatch(/no result after 0\.5 s/)
    expect(trainer.specs).toHaveLength(4)
    expect(head(dir)).toBe(recs[3]!.commit)
  })

  it("a failed baseline stops the loop; after a committed fix the next session measures it again", async () => {
    const dir = makeRepo()
    const first = await runLoop({ dir, config: { maxExperiments: 5 }, agent: [], trainer: [{ crash: "error", message: "canvas does not compile" }] })
    expect((await first.promise).stopReason).toMatch(/the unchanged baseline failed \(error: canvas does not compile\).*logs\/1\.log/)
    writeFileSync(join(dir, "train.ts"), `${CANVAS}// fixed\n`)
    git(dir, "commit", "-q", "-am", "fix the canvas")
    const fixed = head(dir)
    const second = await runLoop({ dir, config: { maxExperiments: 1 }, agent: [], trainer: [1] })
    expect((await second.promise).stopReason).toBe("reached maxExperiments (1)")
    expect(records(dir).map((r) => [r.id, r.baseline, r.status, r.commit === fixed])).toEqual([
      [1, true, "crash", false],
      [2, true, "keep", true]
    ])
  })

  it("a listener that throws does not stop the loop", async () => {
    const dir = makeRepo()
    const errors: Array<unknown> = []
    const original = console.error
    console.error = (...args: Array<unknown>) => errors.push(args.join(" "))
    try {
      const { promise } = await runLoop({
        dir,
        config: { maxExperiments: 2 },
        agent: [{ description: "lr", edits: [edit("lr = 0.01", "lr = 0.02")] }],
        trainer: [1, 0.9],
        onEvent: (event) => {
          if (event._tag === "ExperimentStarted") throw new Error("listener bug")
        }
      })
      expect((await promise).experiments).toBe(2)
    } finally {
      console.error = original
    }
    expect(errors[0]).toMatch(/an onEvent listener threw on ExperimentStarted: listener bug/)
  })

  it("stops at maxCostUsd", async () => {
    const dir = makeRepo()
    const { promise } = await runLoop({
      dir,
      config: { maxCostUsd: 1 },
      agent: (call) => ({ description: `try ${call}`, edits: [edit("lr = 0.01", `lr = 0.0${call + 2}`)], costUsd: 0.4 }),
      trainer: (call) => (call === 0 ? 1 : 1.1)
    })
    const summary = await promise
    expect(summary.experiments).toBe(4)
    expect(summary.costUsd).toBeCloseTo(1.2, 9)
    expect(summary.stopReason).toBe("reached maxCostUsd ($1)")
    expect(canvas(dir)).toBe(CANVAS)
  })

  it("stops at maxDurationSeconds", async () => {
    const dir = makeRepo()
    const { promise } = await runLoop({
      dir,
      config: { maxDurationSeconds: 0.3 },
      agent: (call) => ({ description: `try ${call}`, edits: [edit("lr = 0.01", "lr = 0.5")] }),
      trainer: (call) => (call === 0 ? 1 : 2),
      trainerOptions: { delayMs: 100 }
    })
    const summary = await promise
    expect(summary.stopReason).toBe("reached maxDurationSeconds (0.3)")
    expect(summary.experiments).toBeGreaterThanOrEqual(2)
    expect(summary.experiments).toBeLessThanOrEqual(4)
  })

  it("an abort stops after the running experiment; a second one kills it at once", async () => {
    const dir = makeRepo()
    const graceful = new LoopInterrupt()
    const first = await runLoop({
      dir,
      config: { tag: "a" },
      agent: (call) => ({ description: `try ${call}`, edits: [edit("lr = 0.01", `lr = 0.0${call + 2}`)] }),
      trainer: [1, 0.9, 0.8, 0.7],
      onEvent: (event) => {
        if (event._tag === "ProposalReady" && event.id === 2) graceful.interrupt()
      },
      signal: graceful.signal,
      killSignal: graceful.killSignal
    })
    const stopped = await first.promise
    expect(stopped).toMatchObject({ experiments: 2, stopReason: "interrupted", bestBpb: 0.9 })

    const hard = new LoopInterrupt()
    const started = Date.now()
    const second = await runLoop({
      dir,
      config: { tag: "a" },
      agent: [{ description: "slow one", edits: [edit("depth = 4", "depth = 9")] }],
      trainer: [0.5],
      trainerOptions: { delayMs: 20_000 },
      onEvent: (event) => {
        if (event._tag === "ProposalReady") {
          hard.interrupt()
          hard.interrupt()
        }
      },
      signal: hard.signal,
      killSignal: hard.killSignal
    })
    const killed = await second.promise
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(killed.stopReason).toMatch(/killed by a second interrupt/)
    expect(killed.experiments).toBe(2)
    expect(second.trainer.specs[0]!.signal?.aborted).toBe(true)
    expect(head(dir)).toBe(killed.bestCommit)
    expect(canvas(dir)).toContain("depth = 4")
  })

  it("resumes after a kill between commit and record: torn row repaired, numbering continues, HEAD reset to best", async () => {
    const dir = makeRepo()
    await (await runLoop({ dir, config: { maxExperiments: 2 }, agent: [{ description: "lr", edits: [edit("lr = 0.01", "lr = 0.02")] }], trainer: [1, 0.9] })).promise
    const best = records(dir)[1]!.commit
    // Simulate a loop killed after committing experiment 3 (and mid-edit of the canvas).
    writeFileSync(join(dir, "train.ts"), canvas(dir).replace("depth = 4", "depth = 7"))
    git(dir, "commit", "-q", "-am", "experiment 3, never recorded")
    writeFileSync(join(dir, "train.ts"), "half-written")
    const orphan = head(dir)
    // ... and a row of results.tsv torn by the same kill.
    writeFileSync(join(runDirOf(dir), "results.tsv"), `${readFileSync(join(runDirOf(dir), "results.tsv"), "utf8")}abc1234\t0.9`)
    // maxExperiments counts this session's experiments: one more.
    const resumed = await runLoop({ dir, config: { maxExperiments: 1 }, agent: [{ description: "lr again", edits: [edit("lr = 0.02", "lr = 0.03")] }], trainer: [0.95] })
    const summary = await resumed.promise
    expect(resumed.events.filter((e) => e._tag === "Notice")[1]).toMatchObject({ message: expect.stringMatching(new RegExp(`HEAD ${orphan.slice(0, 7)} .* resetting to the best commit ${best.slice(0, 7)}`)) })
    expect(resumed.events.filter((e) => e._tag === "Notice").map((e) => e.message)[0]).toMatch(/store repaired: results\.tsv: a torn last line .* moved to results\.tsv\.torn/)
    expect(readFileSync(join(runDirOf(dir), "results.tsv.torn"), "utf8")).toBe("abc1234\t0.9\n")
    expect(tsv(dir)).toHaveLength(4)
    expect(resumed.events.find((e) => e._tag === "LoopStarted")).toMatchObject({ _tag: "LoopStarted", resumedAfter: 2, bestBpb: 0.9 })
    expect(records(dir).map((r) => r.id)).toEqual([1, 2, 3])
    expect(records(dir)[2]).toMatchObject({ parent: best, status: "discard" })
    expect(resumed.agent.contexts[0]!.history).toHaveLength(2)
    expect(summary.experiments).toBe(3)
    expect(head(dir)).toBe(best)
    expect(canvas(dir)).toContain("depth = 4")
  })

  it("a full disk on append stops the loop with a clear error, nothing recorded is damaged", async () => {
    const dir = makeRepo()
    let appends = 0
    const io: StoreIo = {
      ...nodeStoreIo,
      append: async (path, data) => {
        // Append 1 is results.tsv's header (written through the same io on open), then a jsonl and a tsv line per record.
        if (++appends > 5) {
          // A partial write, then ENOSPC: the real io truncates back, so must we.
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
        }
        return nodeStoreIo.append(path, data)
      }
    }
    const { promise } = await runLoop({
      dir,
      io,
      config: { maxExperiments: 5 },
      agent: (call) => ({ description: `try ${call}`, edits: [edit("lr = 0.01", `lr = 0.0${call + 2}`)] }),
      trainer: [1, 0.9, 0.8]
    })
    const error = await promise.then(() => undefined, (e: unknown) => e as { _tag: string; message: string })
    expect(error?._tag).toBe("StoreError")
    expect(error?.message).toMatch(/could not append to .*experiments\.jsonl: ENOSPC: no space left on device/)
    const recs = records(dir)
    expect(recs.map((r) => r.id)).toEqual([1, 2])
    expect(tsv(dir)).toHaveLength(3)
    // The unrecorded keep of experiment 3 is not the best: the workspace went back to #2.
    expect(head(dir)).toBe(recs[1]!.commit)
  })

  it("refuses a foreign results.tsv without touching it", async () => {
    const dir = makeRepo()
    const foreign = "experiment\tloss\n1\t2.5\n"
    const { mkdirSync } = await import("node:fs")
    mkdirSync(runDirOf(dir), { recursive: true })
    writeFileSync(join(runDirOf(dir), "results.tsv"), foreign)
    const { promise } = await runLoop({ dir, config: { maxExperiments: 2 }, agent: [], trainer: [1] })
    const error = await promise.then(() => undefined, (e: unknown) => e as { _tag: string; message: string })
    expect(error?._tag).toBe("ForeignStoreError")
    expect(readFileSync(join(runDirOf(dir), "results.tsv"), "utf8")).toBe(foreign)
    expect(existsSync(join(runDirOf(dir), "experiments.jsonl"))).toBe(false)
  })

  it("noise-aware: refuses a change within the noise floor, keeps a real improvement, confirms keeps", async () => {
    const dir = makeRepo()
    const { promise } = await runLoop({
      dir,
      config: { maxExperiments: 4, noiseRepeats: 2, noiseZ: 2, confirmKeeps: true },
      agent: (call, ctx) => ({ description: `try ${call}`, edits: [edit(ctx.files[0]!.content.match(/lr = [0-9.]+/)![0], `lr = 0.0${call + 2}`)] }),
      // baseline 1.00 + repeats 1.02, 0.98 (std 0.02 -> margin 0.04); 0.97 within noise;
      // 0.90 confirmed by 0.91; 0.80 not confirmed (re-run 0.89).
      trainer: [1.0, 1.02, 0.98, 0.97, 0.9, 0.91, 0.8, 0.89]
    })
    await promise
    const recs = records(dir)
    expect(recs[0]!.noise).toEqual({ samples: [1.0, 1.02, 0.98], std: expect.closeTo(0.02, 9) })
    expect(recs.map((r) => r.status)).toEqual(["keep", "discard", "keep", "discard"])
    expect(recs[1]!.decisionReason).toMatch(/within 0\.040000/)
    expect(recs[1]!.threshold).toBeCloseTo(0.04, 9)
    expect(recs[2]!.confirmation).toEqual({ valBpb: 0.91, confirmed: true })
    expect(recs[3]!.confirmation).toEqual({ valBpb: 0.89, confirmed: false })
    expect(recs[3]!.decisionReason).toMatch(/not confirmed/)
    expect(head(dir)).toBe(recs[2]!.commit)
  })
})
