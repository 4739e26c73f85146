// One file over HTTP(S): retries with exponential back-off, resume of a partial download
// (Range request on the `.tmp` file), and a rename only once the whole file is there, so a
// partial download is never taken for a complete one.
import { existsSync, statSync, renameSync, rmSync } from "node:fs"
import { open } from "node:fs/promises"
import { PrepareError } from "./errors.js"

export interface DownloadOptions {
  readonly retries: number
  readonly retryBaseMs: number
  /** Checks the finished bytes before the rename (e.g. parquet magic); returns a problem or undefined. */
  readonly validate?: (path: string) => Promise<string | undefined>
  readonly onBytes?: (bytes: number, totalBytes: number | undefined, done: boolean) => void
}

/** A failure no retry can fix (e.g. 404). */
class FatalHttp extends Error {}
/** The server answered, but not with the file. */
class RetryableHttp extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const describe = (e: unknown): string => {
  if (e instanceof Error) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause
    return cause?.code ?? cause?.message ?? e.message
  }
  return String(e)
}

const attempt = async (url: string, dest: string, tmp: string, options: DownloadOptions) => {
  const have = existsSync(tmp) ? statSync(tmp).size : 0
  const response = await fetch(url, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {})
  if (response.status === 416) {
    // Our partial file is not a prefix the server recognises: start again.
    rmSync(tmp, { force: true })
    throw new RetryableHttp(`HTTP 416 for a resumed download`)
  }
  if (response.status === 404 || response.status === 401 || response.status === 403 || response.status === 410) {
    throw new FatalHttp(`HTTP ${response.status} ${response.statusText}`)
  }
  if (!response.ok || response.body === null) throw new RetryableHttp(`HTTP ${response.status} ${response.statusText}`)
  const resumed = response.status === 206 && have > 0
  const length = Number(response.headers.get("content-length") ?? NaN)
  const rangeTotal = Number(response.headers.get("content-range")?.split("/")[1] ?? NaN)
  const total = resumed ? (Number.isFinite(rangeTotal) ? rangeTotal : undefined) : Number.isFinite(length) ? length : undefined
  const file = await open(tmp, resumed ? "a" : "w")
  let bytes = resumed ? have : 0
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await file.write(chunk)
      bytes += chunk.length
      options.onBytes?.(bytes, total, false)
    }
  } finally {
    await file.close()
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
