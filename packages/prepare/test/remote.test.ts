// The remote source against a real HTTP server on localhost, with injected failures.
import { once } from "node:events"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parquetWriteBuffer } from "hyparquet-writer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { prepare, remoteDataDir, shardName, type PrepareOptions, type PrepareProgress } from "../src/index.js"
import { samplePassages } from "./fixtures.js"

const root = mkdtempSync(join(tmpdir(), "prepare-remote-"))

// Two training shards and the pinned validation shard 5.
const { train, heldOut } = samplePassages()
const half = Math.floor(train.length / 2)
const parquet = (texts: string[]) => Buffer.from(parquetWriteBuffer({ columnData: [{ name: "text", data: texts, type: "STRING" }] }))
const shards: Record<string, Buffer> = {
  [shardName(0)]: parquet(train.slice(0, half)),
  [shardName(1)]: parquet(train.slice(half)),
  [shardName(5)]: parquet(heldOut)
}

type Fault = "500" | "drop-midway"
interface Request {
  readonly file: string
  readonly range: string | undefined
  readonly status: number
}
let faults: Record<string, Fault[]> = {}
const requests: Request[] = []

const handle = (req: IncomingMessage, res: ServerResponse) => {
  const file = req.url!.split("/").pop()!
  const body = shards[file]
  const range = req.headers.range
  const fault = faults[file]?.shift()
  const log = (status: number) => requests.push({ file, range, status })
  if (body === undefined) {
    log(404)
    return res.writeHead(404).end()
  }
  if (fault === "500") {
    log(500)
    return res.writeHead(500).end("try later")
  }
  const from = range === undefined ? 0 : Number(/bytes=(\d+)-/.exec(range)![1])
  const status = from > 0 ? 206 : 200
  log(status)
  const headers: Record<string, string | number> = { "content-length": body.length - from }
  if (status === 206) headers["content-range"] = `bytes ${from}-${body.length - 1}/${body.length}`
  res.writeHead(status, headers)
  if (fault === "drop-midway") {
    // Send part of the file, then cut the connection.
    res.write(body.subarray(from, from + Math.floor((body.length - from) / 2)), () => res.destroy())
    return
  }
  res.end(body.subarray(from))
}

let server: Server
let baseUrl: string
beforeAll(async () => {
  server = createServer(handle).listen(0, "127.0.0.1")
  await once(server, "listening")
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/datasets/shards`
})
afterAll(async () => {
  server.close()
  rmSync(root, { recursive: true, force: true })
})

const options = (cacheDir: string, extra: Partial<{ valShard: number }> = {}): PrepareOptions => ({
  cacheDir,
  source: { kind: "remote", baseUrl, trainShards: 2, valShard: 5, workers: 2, retries: 5, retryBaseMs: 5, ...extra }
})

describe("remote parquet shards over HTTP", () => {
  it("retries a 500, resumes a dropped download with a Range request, and prepares", async () => {
    faults = { [shardName(0)]: ["500", "500"], [shardName(1)]: ["drop-midway"] }
    requests.length = 0
    const cacheDir = join(root, "a")
    const events: PrepareProgress[] = []
    const env = await prepare({ ...options(cacheDir), onProgress: (e) => events.push(e) })

    const of = (file: string) => requests.filter((r) => r.file === file)
    expect(of(shardName(0)).map((r) => r.status)).toEqual([500, 500, 200])
    const resumed = of(shardName(1))
    expect(resumed.map((r) => r.status)).toEqual([200, 206])
    const sentBeforeDrop = Math.floor(shards[shardName(1)]!.length / 2)
    expect(resumed[1]!.range).toBe(`bytes=${sentBeforeDrop}-`)

    const data = remoteDataDir(cacheDir, baseUrl)
    for (const [name, body] of Object.entries(shards)) expect(readFileSync(join(data, name)).equals(body)).toBe(true)
    expect(readdirSync(data).filter((f) => f.endsWith(".tmp"))).toEqual([])
    expect(env.manifest.val.docs).toBe(heldOut.length)
    expect(env.manifest.train.docs).toBe(train.length)
    expect(events.some((e) => e._tag === "Download" && e.done && e.bytes === shards[shardName(1)]!.length)).toBe(true)

    // Idempotent: the second call downloads nothing.
    requests.length = 0
    await prepare(options(cacheDir))
    expect(requests).toEqual([])
  })

  it("resumes a partial file left by an interrupted run and never takes it for complete", async () => {
    faults = {}
    requests.length = 0
    const cacheDir = join(root, "b")
    const data = remoteDataDir(cacheDir, baseUrl)
    mkdirSync(data, { recursive: true })
    const body = shards[shardName(0)]!
    writeFileSync(join(data, `${shardName(0)}.tmp`), body.subarray(0, 1000))
    await prepare(options(cacheDir))
    expect(requests.find((r) => r.file === shardName(0))).toEqual({ file: shardName(0), range: "bytes=1000-", status: 206 })
    expect(readFileSync(join(data, shardName(0))).equals(body)).toBe(true)
    expect(existsSync(join(data, `${shardName(0)}.tmp`))).toBe(false)
  })

  it("fails clearly on a missing shard (404) without retrying", async () => {
    faults = {}
    requests.length = 0
    await expect(prepare(options(join(root, "c"), { valShard: 7 }))).rejects.toMatchObject({
      reason: "DownloadFailed",
      message: `cannot download ${baseUrl}/${shardName(7)}: HTTP 404 Not Found`
    })
    expect(requests.filter((r) => r.file === shardName(7)).length).toBe(1)
  })

  it("gives up after the configured tries when the server keeps failing", async () => {
    faults = { [shardName(5)]: ["500", "500", "500", "500", "500"] }
    requests.length = 0
    await expect(prepare(options(join(root, "d")))).rejects.toMatchObject({
      reason: "DownloadFailed",
      message: `cannot download ${baseUrl}/${shardName(5)} after 5 tries: HTTP 500 Internal Server Error`
    })
    expect(requests.filter((r) => r.file === shardName(5)).length).toBe(5)
  })
})
