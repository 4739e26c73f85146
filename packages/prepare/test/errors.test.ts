import { once } from "node:events"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { createServer, type AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parquetWriteBuffer } from "hyparquet-writer"
import { afterAll, describe, expect, it } from "vitest"
import { loadPrepared, prepare, type PrepareOptions } from "../src/index.js"

const root = mkdtempSync(join(tmpdir(), "prepare-errors-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let n = 0
/** A fresh local data directory holding `files`. */
const localData = (files: Record<string, string | Uint8Array>): PrepareOptions => {
  const dir = join(root, `data-${++n}`)
  mkdirSync(dir)
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  return { cacheDir: join(root, `cache-${n}`), source: { kind: "local", dir } }
}

/** Fails with exactly one PrepareError of `reason`, and leaves nothing that looks complete. */
const expectFailure = async (options: PrepareOptions, reason: string, message: RegExp) => {
  const error = await prepare(options).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toMatchObject({ _tag: "PrepareError", reason })
  expect((error as Error).message).toMatch(message)
  const cache = options.cacheDir!
  const manifests = existsSync(cache)
    ? readdirSync(cache, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith("manifest.json"))
    : []
  expect(manifests).toEqual([])
  await expect(loadPrepared(options)).rejects.toMatchObject({ reason: "NotPrepared" })
}

const sentences = (count: number, seed: string) =>
  Array.from({ length: count }, (_, i) => `Document ${seed} number ${i} talks about ships, whales and taxes in ${1800 + i}.`)

describe("bad input gives one clear error and no complete-looking cache", () => {
  it("an empty corpus", async () => {
    await expectFailure(localData({ "a.txt": "", "b.jsonl": `{"text": ""}\n` }), "EmptyCorpus", /^no text found in 2 file\(s\) in /)
    await expectFailure(localData({}), "EmptyCorpus", /^no text found in 0 file\(s\)/)
  })

  it("a corpus too small for the validation split", async () => {
    const files = Object.fromEntries(sentences(5, "x").map((s, i) => [`doc${i}.txt`, s]))
    await expectFailure(localData(files), "CorpusTooSmall", /too small for the validation split: it takes every 20th document/)
  })

  it("a parquet file without a text column", async () => {
    const parquet = parquetWriteBuffer({ columnData: [{ name: "content", data: sentences(30, "p"), type: "STRING" }] })
    await expectFailure(localData({ "shard.parquet": new Uint8Array(parquet) }), "MissingTextColumn", /has no `text` column \(columns: content\)/)
  })

  it("a jsonl line without a text field", async () => {
    await expectFailure(localData({ "a.jsonl": `{"text": "fine"}\n{"body": "no"}\n` }), "MissingTextColumn", /a\.jsonl:2 has no string field `text`/)
  })

  it("a file that is not UTF-8", async () => {
    const latin1 = Buffer.from("Caf\xe9 cr\xe8me br\xfbl\xe9e", "latin1")
    await expectFailure(localData({ "a.txt": "fine", "b.txt": latin1 }), "NotUtf8", /b\.txt is not UTF-8 text$/)
  })

  it("an unreachable server", async () => {
    // A port that was just free: nothing listens there.
    const server = createServer().listen(0, "127.0.0.1")
    await once(server, "listening")
    const { port } = server.address() as AddressInfo
    server.close()
    await once(server, "close")
    const options: PrepareOptions = {
      cacheDir: join(root, "unreachable"),
      source: { kind: "remote", baseUrl: `http://127.0.0.1:${port}`, trainShards: 1, valShard: 1, retries: 2, retryBaseMs: 1 }
    }
    await expectFailure(options, "Unreachable", new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after 2 tries$`))
  })

  it("an unknown profile or a malformed source", async () => {
    await expect(prepare({ cacheDir: root, profile: "gpu" as never })).rejects.toMatchObject({
      reason: "BadOptions",
      message: 'unknown profile "gpu": choose one of reference, cpu'
    })
    await expect(prepare({ cacheDir: root, source: { kind: "remote", trainShards: -1 } as never })).rejects.toMatchObject({
      reason: "BadOptions"
    })
  })
})
