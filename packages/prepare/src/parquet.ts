// Reads the `text` column of a parquet file (hyparquet, with zstd/snappy/gzip/brotli codecs).
import { readFile } from "node:fs/promises"
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet"
import { compressors } from "hyparquet-compressors"
import { PrepareError } from "./errors.js"

const utf8 = new TextDecoder("utf-8", { fatal: true })

export const readParquetTexts = async (path: string): Promise<string[]> => {
  const bytes = await readFile(path)
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  let metadata
  try {
    metadata = parquetMetadata(file)
  } catch (cause) {
    throw new PrepareError({ reason: "DamagedCache", message: `${path} is not a readable parquet file`, cause })
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name)
  if (!columns.includes("text")) {
    throw new PrepareError({
      reason: "MissingTextColumn",
      message: `${path} has no \`text\` column (columns: ${columns.join(", ") || "none"})`,
      hint: "documents must be in a string column named `text`"
    })
  }
  const rows = await parquetReadObjects({ file, metadata, columns: ["text"], compressors })
  return rows.map((row, i) => {
    const value: unknown = row["text"]
    if (typeof value === "string") return value
    if (value === null || value === undefined) return ""
    if (value instanceof Uint8Array) {
      try {
        return utf8.decode(value)
      } catch {
        throw new PrepareError({ reason: "NotUtf8", message: `${path}: row ${i} of \`text\` is not UTF-8 text` })
      }
    }
    throw new PrepareError({
      reason: "MissingTextColumn",
      message: `${path}: the \`text\` column holds ${typeof value} values, not strings`
    })
  })
}
