// Install step: builds the native BLAS addon with node-gyp. It never fails the install: without
// a compiler or BLAS the package still works (installFastKernels then reports the slow path and
// how to fix it), so a failed build prints a short notice and exits 0.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
// Installed from a registry, pnpm rebuilds a dependency by name; inside this repository's
// workspace the package is a project, which `pnpm rebuild <name>` skips.
const rebuildCommand = packageDir.includes("/node_modules/")
  ? "pnpm rebuild @autoresearch/fast-kernels"
  : "pnpm --filter @autoresearch/fast-kernels rebuild"

if (process.env.AUTORESEARCH_FAST_KERNELS === "0") {
  console.log("@autoresearch/fast-kernels: AUTORESEARCH_FAST_KERNELS=0, not building the native addon")
  process.exit(0)
}

// node-gyp: the one npm/pnpm hand to lifecycle scripts, else our devDependency, else PATH.
const nodeGyp = () => {
  const fromManager = process.env.npm_config_node_gyp
  if (fromManager && existsSync(fromManager)) return [process.execPath, fromManager]
  try {
    return [process.execPath, createRequire(import.meta.url).resolve("node-gyp/bin/node-gyp.js")]
  } catch {
    return ["node-gyp"]
  }
}

// Use the running Node's own headers when they are installed next to it (distro packages,
// official tarballs, nvm), so the build needs no download.
const localNodeDir = () => {
  const prefix = join(dirname(process.execPath), "..")
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : undefined
}

const [command, ...prefixArgs] = nodeGyp()
const nodedir = process.env.npm_config_nodedir ?? localNodeDir()
const args = [...prefixArgs, "rebuild", ...(nodedir ? [`--nodedir=${nodedir}`] : [])]
const result = spawnSync(command, args, { cwd: packageDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })

if (result.status === 0) {
  console.log("@autoresearch/fast-kernels: built the native BLAS addon")
} else {
  const log = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`
  const reason = log.split("\n").filter((line) => /error/i.test(line)).slice(0, 3).join(" | ")
  console.log(
    "@autoresearch/fast-kernels: could not build the native BLAS addon, training will use the slow stock kernels." +
      (reason ? ` (${reason.trim()})` : "") +
      "\n  Fix: install a C compiler and OpenBLAS (Debian/Ubuntu: apt install build-essential libopenblas-dev;" +
      ` macOS: xcode-select --install), then run \`${rebuildCommand}\`.`
  )
}
process.exit(0)
