import { Evaluator } from "@autoresearch/core"
import { Effect } from "effect"
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parquetWriteBuffer } from "hyparquet-writer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadPrepared, prepare, PreparedEvaluator, type PreparedEnvironment, type PrepareProgress } from "../src/index.js"
import { embeddedCorpus } from "../src/sources/embedded.js"
import { samplePassages } from "./fixtures.js"

const root = mkdtempSync(join(tmpdir(), "prepare-test-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe("prepare on the embedded corpus (cpu profile)", () => {
  const cacheDir = join(root, "embedded")
  const events: PrepareProgress[] = []
  let env: PreparedEnvironment
  beforeAll(async () => {
    env = await prepare({ cacheDir, onProgress: (e) => events.push(e) })
  })

  it("builds the cache with the cpu profile's constants", () => {
    expect(env.profile.name).toBe("cpu")
    expect(env.tokenizer.vocabSize).toBe(env.profile.vocabSize)
    expect(env.tokenizer.bosId).toBe(env.profile.vocabSize - 4)
    expect(env.cacheDir).toBe(join(cacheDir, "cpu", "embedded-v1"))
    for (const f of env.fixedFiles) expect(existsSync(f)).toBe(true)
    expect(env.manifest.val.tokens / (env.manifest.train.tokens + env.manifest.val.tokens)).toBeGreaterThan(0.03)
    expect(env.manifest.val.tokens / (env.manifest.train.tokens + env.manifest.val.tokens)).toBeLessThan(0.08)
    expect(events.some((e) => e._tag === "TokenizerMerges" && e.merges === e.totalMerges)).toBe(true)
    const lastTrain = events.filter((e) => e._tag === "Tokenizing" && e.split === "train").pop()
    expect(lastTrain).toEqual({ _tag: "Tokenizing", split: "train", docs: env.manifest.train.docs, totalDocs: env.manifest.train.docs })
  })

  it("never trains on the pinned validation passages", async () => {
    const corpus = embeddedCorpus()
    const collect = async (split: "train" | "val") => {
      const out: string[] = []
      for await (const batch of corpus.docs(split)) out.push(...batch)
      return out
    }
    const train = new Set(await collect("train"))
    const val = await collect("val")
    expect(val.length).toBeGreaterThan(500)
    expect(val.filter((p) => train.has(p) && p.length > 80)).toEqual([])
  })

  it("packs train rows that start with BOS and decode to corpus text", () => {
    const loader = env.trainLoader(4, 64)
    const { inputs, targets, epoch } = loader.next()
    expect(inputs.length).toBe(256)
    expect(epoch).toBe(1)
    for (let b = 0; b < 4; b++) expect(inputs[b * 64]).toBe(env.tokenizer.bosId)
    expect(Array.from(targets.slice(0, 63))).toEqual(Array.from(inputs.slice(1, 64)))
    expect(env.tokenizer.decode(inputs.slice(1, 64))).toMatch(/[a-z]+ [a-z]+/)
  })

  it("scores a uniform model at log2(V) bits per token, per byte", async () => {
    const V = env.tokenizer.vocabSize
    const result = await env.evaluateBpb({ perTokenLoss: (_i, _t, b, t) => new Float32Array(b * t).fill(Math.log(V)) })
    expect(result.tokens).toBeGreaterThan(env.profile.evalTokens * 0.9)
    expect(result.tokens).toBeLessThanOrEqual(env.profile.evalTokens)
    expect(result.valBpb).toBeCloseTo((Math.log2(V) * result.tokens) / result.bytes, 5)
    const viaLayer = await Effect.runPromise(
      Effect.flatMap(Evaluator, (e) => e.evaluate({ perTokenLoss: (_i, _t, b, t) => new Float32Array(b * t).fill(Math.log(V)) })).pipe(
        Effect.provide(PreparedEvaluator.layer(env))
      )
    )
    expect(viaLayer).toEqual(result)
  })

  it("is idempotent: a second call opens the cache without rebuilding", async () => {
    const again: PrepareProgress[] = []
    const second = await prepare({ cacheDir, onProgress: (e) => again.push(e) })
    expect(second.manifest).toEqual(env.manifest)
    expect(again.map((e) => e._tag)).toEqual(["Phase"])
    const loaded = await loadPrepared({ cacheDir })
    expect(loaded.manifest).toEqual(env.manifest)
  })
})

describe("loadPrepared", () => {
  it("says what to run when nothing was prepared", async () => {
    const dir = join(root, "nothing")
    await expect(loadPrepared({ cacheDir: dir })).rejects.toMatchObject({
      _tag: "PrepareError",
      reason: "NotPrepared",
      message: `no data prepared for profile cpu in ${join(dir, "cpu", "embedded-v1")}: run \`autoresearch prepare\``
    })
    const layer = PreparedEvaluator.fromCache({ cacheDir: dir })
    const exit = await Effect.runPromiseExit(Effect.provide(Evaluator, layer))
    expect(exit._tag).toBe("Failure")
  })
})

describe("prepare on a local directory", () => {
  it("reads .txt, .jsonl and .parquet files and takes the named val file", async () => {
    const { train, heldOut } = samplePassages()
    const dir = join(root, "local-data")
    mkdirSync(dir)
    const third = Math.floor(train.length / 3)
    writeFileSync(join(dir, "a.jsonl"), train.slice(0, third).map((text) => JSON.stringify({ text, id: 1 })).join("\n") + "\n")
    writeFileSync(join(dir, "b.txt"), train.slice(third, 2 * third).join("\n\n"))
    const columnData = [{ name: "text", data: train.slice(2 * third), type: "STRING" as const }]
    writeFileSync(join(dir, "c.parquet"), new Uint8Array(parquetWriteBuffer({ columnData })))
    writeFileSync(join(dir, "val.jsonl"), heldOut.map((text) => JSON.stringify({ text })).join("\n"))
    const env = await prepare({ cacheDir: join(root, "local-cache"), source: { kind: "local", dir, valFile: "val.jsonl" } })
    expect(env.manifest.val.docs).toBe(heldOut.length)
    expect(env.manifest.train.docs).toBe(third + 1 + (train.length - 2 * third))
    expect(env.cacheDir).toMatch(/local-[0-9a-f]{16}$/)

    // A cache without its manifest (written last) is incomplete: not opened, rebuilt alike.
    rmSync(join(env.cacheDir, "manifest.json"))
    const options = { cacheDir: join(root, "local-cache"), source: { kind: "local" as const, dir, valFile: "val.jsonl" } }
    await expect(loadPrepared(options)).rejects.toMatchObject({ reason: "NotPrepared" })
    const rebuilt = await prepare(options)
    expect(rebuilt.manifest.train).toEqual(env.manifest.train)
    expect(rebuilt.tokenizer.encode("The Congress")).toEqual(env.tokenizer.encode("The Congress"))
  })
})
