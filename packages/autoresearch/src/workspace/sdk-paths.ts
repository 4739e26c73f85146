// Where the SDK itself lives: the canvas template, and (in a source checkout) the repository
// a research workspace must never be created in.
import { existsSync, realpathSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, parse, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"

const require = createRequire(import.meta.url)

/** templates/train.ts of @autoresearch/trainer-tfjs: what `init` copies into a workspace. */
export const canvasTemplate = (): string => require.resolve("@autoresearch/trainer-tfjs/templates/train.ts")

/** The SDK's source checkout (the pnpm workspace holding this package), if running from one. */
export const sdkCheckout = (): string | undefined => {
  let dir = dirname(fileURLToPath(import.meta.url))
  const root = parse(dir).root
  while (dir !== root) {
    if (existsSync(join(dir, "pnpm-workspace.yaml")) && existsSync(join(dir, "packages", "autoresearch"))) return realpathSync(dir)
    dir = dirname(dir)
  }
  return undefined
}

/** True when `target` is `parent` or inside it (after resolving symlinks of what exists). */
export const isInside = (target: string, parent: string): boolean => {
  const real = realExisting(resolve(target))
  return real === parent || real.startsWith(parent.endsWith(sep) ? parent : parent + sep)
}

/** realpath of the deepest existing ancestor, with the rest of the path appended. */
const realExisting = (path: string): string => {
  let existing = path
  const rest: Array<string> = []
  while (!existsSync(existing)) {
    rest.unshift(parse(existing).base)
    existing = dirname(existing)
  }
  return join(realpathSync(existing), ...rest)
}
