// A directory of .txt (one document per file), .jsonl (one document per line, `text` field)
// and .parquet (one document per row, `text` column) files, read in name order.
import { createHash } from "node:crypto"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { resolve, join, extname } from "node:path"
import { PrepareError } from "../errors.js"
import { readParquetTexts } from "../parquet.js"
import { isValIndex, VAL_EVERY, type Corpus, type Split } from "./source.js"

const EXTENSIONS = new Set([".txt", ".jsonl", ".parquet"])
const utf8 = new TextDecoder("utf-8", { fatal: true })

const listFiles = (dir: string): string[] => {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (cause) {
    throw new PrepareError({ reason: "BadOptions", message: `cannot read the data directory ${dir}`, cause })
  }
  return names.filter((n) => EXTENSIONS.has(extname(n).toLowerCase())).sort()
}

const readText = (path: string): string => {
  try {
    return utf8.decode(readFileSync(path))
  } catch (cause) {
    throw new PrepareError({
      reason: "NotUtf8",
      message: `${path} is not UTF-8 text`,
      hint: "convert it to UTF-8 (e.g. `iconv -t UTF-8`) or remove it from the data directory",
      cause
    })
  }
}

const readDocuments = async (path: string): Promise<string[]> => {
  const ext = extname(path).toLowerCase()
  if (ext === ".parquet") return readParquetTexts(path)
  const text = readText(path)
  if (ext === ".txt") return [text]
  return text
    .split("\n")
    .map((line, i) => [line, i] as const)
    .filter(([line]) => line.trim().length > 0)
    .map(([line, i]) => {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        throw new PrepareError({ reason: "MissingTextColumn", message: `${path}:${i + 1} is not a JSON line` })
      }
      const doc = (value as { text?: unknown } | null)?.text
      if (typeof doc !== "string") {
        throw new PrepareError({ reason: "MissingTextColumn", message: `${path}:${i + 1} has no string field \`text\`` })
      }
      return doc
    })
}

export const localCorpus = (config: { readonly dir: string; readonly valFile?: string | undefined }): Corpus => {
  const dir = resolve(config.dir)
  const files = listFiles(dir)
  if (config.valFile !== undefined && !files.includes(config.valFile)) {
    throw new PrepareError({
      reason: "BadOptions",
      message: `the val file ${config.valFile} is not a .txt, .jsonl or .parquet file of ${dir}`
    })
  }
  const hash = createHash("sha256").update(JSON.stringify([dir, config.valFile ?? null]))
  for (const name of files) {
    const stat = statSync(join(dir, name))
    hash.update(`${name}\0${stat.size}\0${stat.mtimeMs}\n`)
  }
  const valRule =
    config.valFile !== undefined
      ? `the documents of ${config.valFile}`
      : `every ${VAL_EVERY}th document (index % ${VAL_EVERY} == ${VAL_EVERY - 1}) of the files in name order`
  return {
    key: `local-${hash.digest("hex").slice(0, 16)}`,
    description: `${files.length} file(s) in ${dir}`,
    valRule,
    docs: (split: Split) => ({
      async *[Symbol.asyncIterator]() {
        let index = 0
        for (const name of files) {
          if (config.valFile !== undefined) {
            if ((name === config.valFile) === (split === "val")) yield await readDocuments(join(dir, name))
            continue
          }
          const docs = await readDocuments(join(dir, name))
          const picked = docs.filter((_, i) => isValIndex(index + i) === (split === "val"))
          index += docs.length
          if (picked.length > 0) yield picked
        }
      }
    })
  }
}
