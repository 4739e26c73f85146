// Shared vitest project settings: workspace packages resolve to their TypeScript sources,
// so the suite needs no build step and always tests the code as written.
import { readdirSync, readFileSync, existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { join } from "node:path"
import { defineProject, type UserWorkspaceConfig } from "vitest/config"

const root = fileURLToPath(new URL(".", import.meta.url))

const sourceAliases = () =>
  readdirSync(join(root, "packages")).flatMap((dir) => {
    const pkgFile = join(root, "packages", dir, "package.json")
    if (!existsSync(pkgFile)) return []
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8"))
    return Object.entries<Record<string, string>>(pkg.exports ?? {})
      .filter(([, target]) => typeof target === "object" && target.source)
      .map(([sub, target]) => ({
        find: new RegExp(`^${(pkg.name + sub.slice(1)).replace(/[/.]/g, "\\$&")}$`),
        replacement: join(root, "packages", dir, target.source!)
      }))
  })

export const project = (name: string, extra: UserWorkspaceConfig["test"] = {}) =>
  defineProject({
    resolve: { alias: sourceAliases() },
    test: { name, include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000, ...extra }
  })
