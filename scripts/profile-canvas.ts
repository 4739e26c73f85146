// tsx --conditions=source scripts/profile-canvas.ts [steps]
// Per-kernel wall time of the trainer canvas's step at the probe sizes: every kernel
// registered for `wasm` is wrapped with a timer, then the step runs; prints the kernels by
// total time, with their call counts and whether the fast kernels serve them.
import { tf } from "../packages/trainer-tfjs/src/canvas.js"
import { installFastKernelsIfPresent, selectBackend } from "../packages/trainer-tfjs/src/index.js"
import { measureProbe } from "./bench-trainer.js"

const steps = Number(process.argv[2] ?? 2)
await selectBackend("wasm")
const line = await installFastKernelsIfPresent()
console.log(line)
const ours = new Set(line.split(/[;:,]\s*/))
const totals = new Map<string, { ms: number; calls: number }>()
let timing = false
for (const config of tf.getKernelsForBackend("wasm")) {
  const inner = config.kernelFunc
  tf.unregisterKernel(config.kernelName, "wasm")
  tf.registerKernel({
    ...config,
    kernelFunc: ((args: never) => {
      if (!timing) return inner(args)
      const started = performance.now()
      const out = inner(args)
      const entry = totals.get(config.kernelName) ?? { ms: 0, calls: 0 }
      entry.ms += performance.now() - started
      entry.calls++
      totals.set(config.kernelName, entry)
      return out
    }) as never
  })
}
timing = true
const result = await measureProbe(steps)
const all = [...totals.values()].reduce((s, e) => s + e.ms, 0) / (steps + 2)
console.log(`canvas at probe sizes: ${result.tokensPerSec.toFixed(0)} tokens/s, kernels ${all.toFixed(0)} ms a step (timed steps incl. 2 warm-up)`)
for (const [name, e] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
  console.log(`${name.padEnd(34)} ${(e.ms / (steps + 2)).toFixed(1).padStart(8)} ms/step ${String(Math.round(e.calls / (steps + 2))).padStart(5)} calls/step ${ours.has(name) ? "native" : "wasm"}`)
}
