import { relative } from "node:path"

/** A path as a person wants to read it: relative when below cwd, else absolute. */
export const displayPath = (cwd: string, path: string): string => {
  const rel = relative(cwd, path)
  return rel === "" ? "." : rel.startsWith("..") ? path : rel
}
