// tsx --conditions=source scripts/profile-canvas.ts [steps] [--shapes] [--canvas other.ts]
// Per-kernel wall and CPU time of the trainer canvas's step at the probe sizes: every kernel
// registered for `wasm` is wrapped with a timer, then the step runs; prints the kernels by
// total CPU time (the process's, all threads: steadier than wall time on a shared machine),
// with their call counts and whether the fast kernels serve them. --shapes splits each kernel
// by its input shapes; --canvas profiles another canvas file (inside packages/trainer-tfjs, so
// that its imports resolve) instead of the template.
import { tf } from "../packages/trainer-tfjs/src/canvas.js"
import { installFastKernelsIfPresent, selectBackend } from "../packages/trainer-tfjs/src/index.js"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { measureProbe, type CanvasSteps } from "./bench-trainer.js"

const args = process.argv.slice(2)
const canvasAt = args.indexOf("--canvas")
const canvasPath = canvasAt >= 0 ? args[canvasAt + 1] : undefined
const steps = Number(args.find((a, i) => !a.startsWith("--") && (canvasAt < 0 || i !== canvasAt + 1)) ?? 2)
const byShape = args.includes("--shapes")
const canvas = canvasPath === undefined ? undefined : ((await import(pathToFileURL(resolve(canvasPath)).href)) as CanvasSteps)
await selectBackend("wasm")
const line = await installFastKernelsIfPresent()
console.log(line)
const ours = new Set(line.split(/[;:,]\s*/))
const totals = new Map<string, { ms: number; cpu: number; calls: number; native: boolean }>()
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
let timing = false
for (const config of tf.getKernelsForBackend("wasm")) {
  const inner = config.kernelFunc
  tf.unregisterKernel(config.kernelName, "wasm")
  tf.registerKernel({
    ...config,
    kernelFunc: ((args: { inputs: Record<string, { shape: number[] }> }) => {
      if (!timing) return inner(args as never)
      const started = performance.now()
      const cpuStarted = cpuMs()
      const out = inner(args as never)
      const key = byShape
        ? `${config.kernelName} ${Object.values(args.inputs).map((t) => `[${t.shape}]`).join("")}`
        : config.kernelName
      const entry = totals.get(key) ?? { ms: 0, cpu: 0, calls: 0, native: ours.has(config.kernelName) }
      entry.ms += performance.now() - started
      entry.cpu += cpuMs() - cpuStarted
      entry.calls++
      totals.set(key, entry)
      return out
    }) as never
  })
}
timing = true
const result = await measureProbe(steps, canvas)
const per = (x: number) => (x / (steps + 2)).toFixed(1).padStart(8)
const wall = [...totals.values()].reduce((s, e) => s + e.ms, 0)
const cpu = [...totals.values()].reduce((s, e) => s + e.cpu, 0)
console.log(
  `canvas at probe sizes: ${result.tokensPerSec.toFixed(0)} tokens/s; kernels a step: ${per(wall).trim()} ms wall, ` +
    `${per(cpu).trim()} ms CPU (timed steps incl. 2 warm-up)`
)
console.log(`${"kernel".padEnd(byShape ? 60 : 34)} ${"CPU ms".padStart(8)} ${"wall ms".padStart(8)} calls (a step)`)
for (const [name, e] of [...totals].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, byShape ? 60 : 30)) {
  console.log(
    `${name.padEnd(byShape ? 60 : 34)} ${per(e.cpu)} ${per(e.ms)} ${String(Math.round(e.calls / (steps + 2))).padStart(5)} ${e.native ? "native" : "wasm"}`
  )
}
