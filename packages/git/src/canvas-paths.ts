// The editable-path guard: an agent's edit may only name a canvas file, by its plain relative
// path, and that file must really live inside the workspace (no `..`, no absolute path, no
// symlink leading elsewhere).
import { realpathSync } from "node:fs"
import { isAbsolute, join, normalize, sep } from "node:path"
import { EditError } from "@autoresearch/core"

/** Normalises a relative path to forward slashes without `./`; undefined when it escapes. */
export const normaliseRelative = (path: string): string | undefined => {
  if (path === "" || isAbsolute(path) || /^[A-Za-z]:/.test(path)) return undefined
  const normal = normalize(path).split(sep).join("/")
  if (normal === ".." || normal.startsWith("../") || normal.split("/").includes("..")) return undefined
  return normal.replace(/^\.\//, "")
}

/**
 * Resolves an agent-supplied path to the absolute path of a canvas file, or fails with an
 * EditError that says why. `realDir` is the workspace's real path.
 */
export const resolveCanvasPath = (
  dir: string,
  realDir: string,
  editable: ReadonlySet<string>,
  path: string
): { relative: string; absolute: string } | EditError => {
  const relative = normaliseRelative(path)
  if (relative === undefined) {
    return new EditError({ message: `${JSON.stringify(path)} is not a relative path inside the workspace`, path })
  }
  if (!editable.has(relative)) {
    return new EditError({
      message: `${relative} is not editable: only ${[...editable].join(", ")} may be changed`,
      path
    })
  }
  const absolute = join(dir, relative)
  let real: string
  try {
    real = realpathSync(absolute)
  } catch {
    return new EditError({ message: `${relative} does not exist in the workspace`, path })
  }
  if (real !== join(realDir, relative)) {
    return new EditError({ message: `${relative} is a symlink (or lies under one) that leads elsewhere; refusing to write through it`, path })
  }
  return { relative, absolute }
}
