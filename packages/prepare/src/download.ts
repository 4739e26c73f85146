// One file over HTTP(S): retries with exponential back-off, resume of a partial download
// (Range request on the `.tmp` file), and a rename only once the whole file is there, so a
// partial download is never taken for a complete one.
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs"
import http, { type IncomingMessage } from "node:http"
import https from "node:https"
import { PrepareError } from "./errors.js"

export interface DownloadOptions {
  readonly retries: number
  readonly retryBaseMs: number
  /** Checks the finished bytes before the rename (e.g. parquet magic); returns a problem or undefined. */
  readonly validate?: (path: string) => Promise<string | undefined>
  readonly onBytes?: (bytes: number, totalBytes: number | undefined, done: boolean) => void
}

const STALL_MS = 60_000

/** A failure no retry can fix (e.g. 404). */
class FatalHttp extends Error {}
/** The server answered, but not with the file. */
class RetryableHttp extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const describe = (e: unknown): string =>
  e instanceof Error ? ((e as { code?: string }).code ?? e.message) : String(e)

/** GET with Node's http client (which, unlike fetch, hands over every byte received before a drop). */
const get = (url: string, headers: Record<string, string>, redirects = 5): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const request = (url.startsWith("https:") ? https : http).get(url, { headers }, (response) => {
      const location = response.headers.location
      if (response.statusCode !== undefined && response.statusCode >= 300 && response.statusCode < 400 && location) {
        response.resume()
        if (redirects === 0) return reject(new RetryableHttp(`too many redirects from ${url}`))
        return resolve(get(new URL(location, url).toString(), headers, redirects - 1))
      }
      resolve(response)
    })
    request.on("error", reject)
    // A stalled connection counts as a dropped one (the partial file is kept for the retry).
    request.setTimeout(STALL_MS, () => request.destroy(new Error(`no data for ${STALL_MS / 1000} s`)))
  })

const attempt = async (url: string, dest: string, tmp: string, options: DownloadOptions) => {
  const have = existsSync(tmp) ? statSync(tmp).size : 0
  const response = await get(url, have > 0 ? { Range: `bytes=${have}-` } : {})
  const status = response.statusCode ?? 0
  const statusLine = `HTTP ${status} ${response.statusMessage ?? ""}`.trim()
  if (status === 416) {
    // Our partial file is not a prefix the server recognises: start again.
    response.resume()
    rmSync(tmp, { force: true })
    throw new RetryableHttp(statusLine)
  }
  if (status === 404 || status === 401 || status === 403 || status === 410) {
    response.resume()
    throw new FatalHttp(statusLine)
  }
  if (status !== 200 && status !== 206) {
    response.resume()
    throw new RetryableHttp(statusLine)
  }
  const resumed = status === 206 && have > 0
  const length = Number(response.headers["content-length"] ?? NaN)
  const rangeTotal = Number(response.headers["content-range"]?.split("/")[1] ?? NaN)
  const total = resumed ? (Number.isFinite(rangeTotal) ? rangeTotal : undefined) : Number.isFinite(length) ? length : undefined
  // Every chunk goes to disk as it arrives, so a dropped connection keeps what came.
  let bytes = resumed ? have : 0
  const fd = openSync(tmp, resumed ? "a" : "w")
  try {
    await new Promise<void>((resolve, reject) => {
      response.on("data", (chunk: Buffer) => {
        writeSync(fd, chunk)
        bytes += chunk.length
        options.onBytes?.(bytes, total, false)
      })
      response.on("end", resolve)
      response.on("error", reject)
      response.on("close", () => {
        if (!response.complete) reject(new RetryableHttp(`connection dropped after ${bytes} bytes`))
      })
    })
  } finally {
    closeSync(fd)
  }
  if (total !== undefined && bytes !== total) throw new RetryableHttp(`received ${bytes} of ${total} bytes`)
  const problem = await options.validate?.(tmp)
  if (problem !== undefined) {
    rmSync(tmp, { force: true })
    throw new RetryableHttp(problem)
  }
  renameSync(tmp, dest)
  options.onBytes?.(bytes, total ?? bytes, true)
}

export const downloadFile = async (url: string, dest: string, options: DownloadOptions): Promise<void> => {
  if (existsSync(dest)) return
  const tmp = `${dest}.tmp`
  let lastError: unknown
  let answered = false
  for (let i = 0; i < options.retries; i++) {
    try {
      await attempt(url, dest, tmp, options)
      return
    } catch (e) {
      if (e instanceof FatalHttp) {
        throw new PrepareError({ reason: "DownloadFailed", message: `cannot download ${url}: ${e.message}` })
      }
      if (e instanceof RetryableHttp) answered = true
      lastError = e
      if (i + 1 < options.retries) await sleep(options.retryBaseMs * 2 ** i)
    }
  }
  throw new PrepareError({
    reason: answered ? "DownloadFailed" : "Unreachable",
    message: answered
      ? `cannot download ${url} after ${options.retries} tries: ${describe(lastError)}`
      : `cannot reach ${new URL(url).origin} (${describe(lastError)}) after ${options.retries} tries`,
    hint: "check the network and the source's baseUrl; a partial download resumes on the next try",
    cause: lastError
  })
}
