// Where a package is installed, as Node finds it from a file: the package the file belongs to
// (a package may refer to itself by name), else the nearest node_modules/<name>; by real path.
import { existsSync, readFileSync, realpathSync } from "node:fs"
import { dirname, join } from "node:path"

export const packageDir = (from: string, name: string): string | undefined => {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const own = join(dir, "package.json")
    if (existsSync(own) && (JSON.parse(readFileSync(own, "utf8")) as { name?: string }).name === name) return realpathSync(dir)
    const candidate = join(dir, "node_modules", name)
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate)
    if (dirname(dir) === dir) return undefined
  }
}
