// Install step: builds the native addon with node-gyp. Its built-in GEMM needs only the C
// compiler node-gyp needs; a system BLAS (OpenBLAS's cblas.h, macOS's Accelerate) is linked in
// too when present, unless AUTORESEARCH_BLAS=0 hides it. It never fails the install: without a
// compiler the package still works (installFastKernels then reports the slow path and how to
// fix it), so a failed build prints a short notice and exits 0.
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

// Where binding.gyp looks for cblas.h, plus the compiler's default include paths.
const cblasHeaderFound = () =>
  ["/usr/include", "/usr/include/openblas", "/usr/local/include", "/opt/OpenBLAS/include", `/usr/include/${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu`].some(
    (dir) => existsSync(join(dir, "cblas.h"))
  )
const blasWanted = process.env.AUTORESEARCH_BLAS !== "0" && (process.platform === "darwin" || cblasHeaderFound())

const [command, ...prefixArgs] = nodeGyp()
const nodedir = process.env.npm_config_nodedir ?? localNodeDir()
const build = (useBlas) =>
  spawnSync(command, [...prefixArgs, "rebuild", ...(nodedir ? [`--nodedir=${nodedir}`] : []), `--use_blas=${useBlas}`], {
    cwd: packageDir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"]
  })

let result = build(blasWanted)
let withBlas = blasWanted
// A cblas.h without a library to link (or a broken one) must not cost the fast path.
if (result.status !== 0 && blasWanted) {
  result = build(false)
  withBlas = false
}

if (result.status === 0) {
  const why = withBlas
    ? "built-in, and the system BLAS where faster"
    : process.env.AUTORESEARCH_BLAS === "0"
      ? "built-in; system BLAS hidden by AUTORESEARCH_BLAS=0"
      : blasWanted
        ? "built-in; the system BLAS did not link"
        : "built-in; no system BLAS found"
  console.log(`@autoresearch/fast-kernels: built the native addon (GEMM: ${why})`)
} else {
  const log = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`
  const reason = log.split("\n").filter((line) => /error/i.test(line)).slice(0, 3).join(" | ")
  console.log(
    "@autoresearch/fast-kernels: could not build the native addon, training will use the slow stock kernels." +
      (reason ? ` (${reason.trim()})` : "") +
      "\n  Fix: install a C compiler (Debian/Ubuntu: apt install build-essential; macOS: xcode-select --install)," +
      ` then run \`${rebuildCommand}\`.`
  )
}
process.exit(0)
