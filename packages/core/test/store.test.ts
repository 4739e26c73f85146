import { appendFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { Store } from "../src/services/store.js"
import { describe, expect, it } from "vitest"
import type { ExperimentRecord } from "../src/domain.js"
import { ResultsStore, TSV_HEADER, makeResultsStore, type StoreIo } from "../src/store/index.js"

const tmp = () => mkdtempSync(join(tmpdir(), "ar-store-"))

const record = (id: number, over: Partial<ExperimentRecord> = {}): ExperimentRecord => ({
  id,
  tag: "t",
  baseline: id === 1,
  description: `idea ${id}`,
  status: "keep",
  decisionReason: "r",
  parent: "a".repeat(40),
  commit: `${id}`.padStart(40, "b"),
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:00:01.000Z",
  durations: { agentMs: 1, trainMs: 2, totalMs: 3 },
  costUsd: 0,
  metrics: { valBpb: 0.9979, trainingSeconds: 300.1, totalSeconds: 325.9, peakMemoryMb: 45060.2, memoryKind: "gpu", mfuPercent: 0, totalTokensM: 0, numSteps: 0, numParamsM: 0, depth: 0 },
  repairs: 0,
  ...over
})

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

describe("ResultsStore", () => {
  it("writes results.tsv in the reference format and the full record to jsonl", async () => {
    const dir = tmp()
    const store = makeResultsStore({ dir })
    expect((await run(store.open)).records).toEqual([])
    await run(store.append(record(1)))
    await run(store.append(record(2, { status: "discard", description: "tabs\there\nand\r\nnewlines" })))
    await run(store.append(record(3, { status: "agent_error", metrics: undefined })))
    await run(store.append(record(4, { status: "crash", crash: { reason: "oom", message: "m", logTail: "t" } })))
    expect(readFileSync(join(dir, "results.tsv"), "utf8")).toBe(
      [
        TSV_HEADER,
        "bbbbbbb\t0.997900\t44.0\tkeep\tidea 1",
        "bbbbbbb\t0.997900\t44.0\tdiscard\ttabs here and newlines",
        "bbbbbbb\t0.000000\t0.0\tcrash\tidea 3",
        "bbbbbbb\t0.000000\t0.0\tcrash\tidea 4",
        ""
      ].join("\n")
    )
    const listed = await run(store.list)
    expect(listed.map((r) => r.status)).toEqual(["keep", "discard", "agent_error", "crash"])
    expect(listed[3]!.crash?.reason).toBe("oom")
    expect((await run(makeResultsStore({ dir }).open)).records).toHaveLength(4)
  })

  it("repairs a torn jsonl line into a .torn sidecar and rebuilds a lagging tsv row", async () => {
    const dir = tmp()
    const store = makeResultsStore({ dir })
    await run(store.open)
    await run(store.append(record(1)))
    await run(store.append(record(2)))
    // A crash after the jsonl append of #3 and mid-way through a torn write of #4.
    const line3 = JSON.stringify({ ...record(3), repairs: 0 })
    appendFileSync(join(dir, "experiments.jsonl"), `${line3}\n{"id":4,"tag":"t","desc`)
    const opened = await run(makeResultsStore({ dir }).open)
    expect(opened.records.map((r) => r.id)).toEqual([1, 2, 3])
    expect(opened.repaired.join("\n")).toMatch(/torn last line.*experiments\.jsonl\.torn/)
    expect(opened.repaired.join("\n")).toMatch(/1 row\(s\) missing .* rebuilt/)
    expect(readFileSync(join(dir, "experiments.jsonl.torn"), "utf8")).toBe('{"id":4,"tag":"t","desc\n')
    expect(readFileSync(join(dir, "results.tsv"), "utf8").trim().split("\n")).toHaveLength(4)
    // A second open finds nothing more to repair.
    expect((await run(makeResultsStore({ dir }).open)).repaired).toEqual([])
  })

  it("repairs a torn results.tsv row", async () => {
    const dir = tmp()
    const store = makeResultsStore({ dir })
    await run(store.open)
    await run(store.append(record(1)))
    appendFileSync(join(dir, "results.tsv"), "bbbbbbb\t0.99")
    const opened = await run(makeResultsStore({ dir }).open)
    expect(opened.repaired).toHaveLength(1)
    expect(opened.repaired[0]).toMatch(/results\.tsv: a torn last line/)
    expect(readFileSync(join(dir, "results.tsv.torn"), "utf8")).toBe("bbbbbbb\t0.99\n")
    expect(readFileSync(join(dir, "results.tsv"), "utf8")).toBe(`${TSV_HEADER}\nbbbbbbb\t0.997900\t44.0\tkeep\tidea 1\n`)
  })

  it("refuses a foreign results.tsv and leaves it untouched", async () => {
    const dir = tmp()
    const foreign = "name\tscore\nfoo\t1\n"
    writeFileSync(join(dir, "results.tsv"), foreign)
    const error = await Effect.runPromise(Effect.flip(Effect.flatMap(Store, (store) => store.open).pipe(Effect.provide(ResultsStore.layer({ dir })))))
    expect(error._tag).toBe("ForeignStoreError")
    expect(error.message).toMatch(/different header/)
    expect(readFileSync(join(dir, "results.tsv"), "utf8")).toBe(foreign)
    expect(existsSync(join(dir, "experiments.jsonl"))).toBe(false)
  })

  it("refuses a foreign experiments.jsonl", async () => {
    const dir = tmp()
    writeFileSync(join(dir, "experiments.jsonl"), '{"hello":"world"}\n')
    const error = await Effect.runPromise(Effect.flip(makeResultsStore({ dir }).open))
    expect(error._tag).toBe("ForeignStoreError")
  })

  it("a failing append (disk full) is a StoreError and leaves earlier records intact", async () => {
    const dir = tmp()
    let full = false
    const real = (await import("../src/store/io.js")).nodeStoreIo
    const io: StoreIo = {
      ...real,
      append: async (path, data) => {
        if (!full) return real.append(path, data)
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" })
      }
    }
    const store = makeResultsStore({ dir, io })
    await run(store.open)
    await run(store.append(record(1)))
    full = true
    const error = await Effect.runPromise(Effect.flip(store.append(record(2))))
    expect(error._tag).toBe("StoreError")
    expect(error.message).toMatch(/no space left on device/)
    const reopened = await run(makeResultsStore({ dir }).open)
    expect(reopened.records.map((r) => r.id)).toEqual([1])
    expect(reopened.repaired).toEqual([])
  })

  it("repairs through its injected io: a test double sees every read, truncate and sidecar append", async () => {
    // TEST DOUBLE: an in-memory file system; nothing touches the disk.
    const files = new Map<string, string>()
    const calls: Array<string> = []
    const io: StoreIo = {
      append: async (path, data) => {
        calls.push(`append ${path}`)
        files.set(path, (files.get(path) ?? "") + data)
      },
      read: (path) => {
        calls.push(`read ${path}`)
        return files.get(path)
      },
      truncate: async (path, length) => {
        calls.push(`truncate ${path} ${length}`)
        files.set(path, Buffer.from(files.get(path)!).subarray(0, length).toString())
      },
      makeDir: async (path) => {
        calls.push(`makeDir ${path}`)
      }
    }
    const dir = "/nowhere/runs/t"
    const store = makeResultsStore({ dir, io })
    await run(store.open)
    await run(store.append(record(1)))
    await run(store.append(record(2)))
    const jsonl = join(dir, "experiments.jsonl")
    const tsv = join(dir, "results.tsv")
    const intact = files.get(jsonl)!
    files.set(jsonl, `${intact}{"id":3,"tag":"t","desc`)
    files.set(tsv, `${files.get(tsv)!}bbbbbbb\t0.99`)
    calls.length = 0

    const opened = await run(makeResultsStore({ dir, io }).open)
    expect(opened.records.map((r) => r.id)).toEqual([1, 2])
    expect(opened.repaired).toHaveLength(2)
    expect(calls).toEqual([
      `makeDir ${dir}`,
      `read ${tsv}`,
      `read ${jsonl}`,
      `append ${jsonl}.torn`,
      `truncate ${jsonl} ${Buffer.byteLength(intact)}`,
      `append ${tsv}.torn`,
      `truncate ${tsv} ${Buffer.byteLength(`${TSV_HEADER}\n`) + 2 * Buffer.byteLength("bbbbbbb\t0.997900\t44.0\tkeep\tidea 1\n")}`
    ])
    expect(files.get(jsonl)).toBe(intact)
    expect(files.get(`${jsonl}.torn`)).toBe('{"id":3,"tag":"t","desc\n')
    expect(files.get(`${tsv}.torn`)).toBe("bbbbbbb\t0.99\n")
    expect(existsSync(dir)).toBe(false)
    expect((await run(makeResultsStore({ dir, io }).list)).map((r) => r.id)).toEqual([1, 2])
  })

  it("a read that fails while opening is a StoreError naming the run", async () => {
    const io: StoreIo = {
      ...(await import("../src/store/io.js")).nodeStoreIo,
      read: () => {
        throw Object.assign(new Error("EIO: i/o error, read"), { code: "EIO" })
      }
    }
    const error = await Effect.runPromise(Effect.flip(makeResultsStore({ dir: tmp(), io }).open))
    expect(error._tag).toBe("StoreError")
    expect(error.message).toMatch(/cannot read or repair the store in .*: EIO: i\/o error/)
  })
})
