// Speed of the fixed environment on the embedded corpus (≈ 13 MB): BPE training at the
// reference vocabulary (8192), tiktoken encoding throughput, and the packing loader's
// throughput from a prepared cache (cpu profile rows, 16 × 256, and reference rows, 16 × 2048).
// Usage: pnpm bench:prepare [--json]
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { countChunks, trainBpeFromCounts } from "../packages/prepare/src/bpe-trainer.js"
import { loadPrepared, prepare, profiles, SPECIAL_TOKENS } from "../packages/prepare/src/index.js"
import { embeddedCorpus } from "../packages/prepare/src/sources/embedded.js"
import { createTokenizer } from "../packages/prepare/src/tokenizer.js"

const json = process.argv.includes("--json")
const seconds = (from: number) => (performance.now() - from) / 1000

const passages: string[] = []
for await (const batch of embeddedCorpus().docs("train")) passages.push(...batch)
const corpusMB = passages.reduce((s, p) => s + Buffer.byteLength(p), 0) / 1e6

// 1. Tokenizer training (split + count unique chunks + merges), reference vocabulary.
const reference = profiles.reference
let started = performance.now()
const { counts, charsRead } = countChunks(passages, reference.tokenizerMaxChars, reference.tokenizerDocChars)
const splitSeconds = seconds(started)
const trained = trainBpeFromCounts(counts, { mergeableTokens: reference.vocabSize - SPECIAL_TOKENS.length })
const tokenizerTrainSeconds = seconds(started)

// 2. Encoding with tiktoken, one call per document as the cache builder does.
const tokenizer = createTokenizer(trained.tokens)
started = performance.now()
let tokens = 0
for (const p of passages) tokens += tokenizer.encode(p).length
const encodeSeconds = seconds(started)
const encodeMBps = corpusMB / encodeSeconds

// 3. Loader from the cache: open the prepared cpu-profile cache, then pack rows.
const cacheDir = mkdtempSync(join(tmpdir(), "ar-bench-prepare-"))
started = performance.now()
await prepare({ cacheDir })
const prepareSeconds = seconds(started)
started = performance.now()
const env = await loadPrepared({ cacheDir })
const openSeconds = seconds(started)
const loaderRate = (batch: number, seqLen: number, totalTokens: number) => {
  const loader = env.trainLoader(batch, seqLen)
  const t0 = performance.now()
  let n = 0
  while (n < totalTokens) n += loader.next().inputs.length
  return n / seconds(t0)
}
const cpuRows = loaderRate(16, 256, 8_000_000)
const referenceRows = loaderRate(16, 2048, 8_000_000)
rmSync(cacheDir, { recursive: true, force: true })
const loaderTokensPerSec = Math.min(cpuRows, referenceRows)

const rows: Array<[string, string, string]> = [
  ["corpus (train split)", `${corpusMB.toFixed(1)} MB, ${passages.length} passages`, ""],
  ["tokenizer training, 8192 tokens", `${tokenizerTrainSeconds.toFixed(2)} s`, "target ≤ 20 s"],
  ["  of which split + count", `${splitSeconds.toFixed(2)} s (${(charsRead / 1e6).toFixed(1)} M chars, ${trained.uniqueChunks} unique chunks)`, ""],
  ["encode (tiktoken, per document)", `${encodeMBps.toFixed(1)} MB/s (${(tokens / 1e6).toFixed(2)} M tokens)`, "target ≥ 5 MB/s"],
  ["prepare, cpu profile (cold)", `${prepareSeconds.toFixed(2)} s`, ""],
  ["open prepared cache", `${openSeconds.toFixed(3)} s`, ""],
  ["loader 16 × 256", `${(cpuRows / 1e6).toFixed(1)} M tokens/s`, "target ≥ 2 M"],
  ["loader 16 × 2048", `${(referenceRows / 1e6).toFixed(1)} M tokens/s`, "target ≥ 2 M"]
]
const width = Math.max(...rows.map((r) => r[0].length))
console.log(`bench:prepare on ${process.version}, ${new Date().toISOString()}`)
for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value}${note ? `   (${note})` : ""}`)
if (json) console.log(JSON.stringify({ tokenizerTrainSeconds, encodeMBps, loaderTokensPerSec }))
