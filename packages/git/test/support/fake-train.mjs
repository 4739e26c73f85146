// TEST DOUBLE of a training run, as a real child process: reads the canvas, "trains" for a
// few tens of milliseconds and prints a result. A canvas with `const crash = true` crashes.
// It exits when its parent dies (stdin closes), as the real harness must: no orphans.
import { readFileSync, writeFileSync } from "node:fs"

const logFile = process.argv[2]
process.stdin.on("end", () => process.exit(137))
process.stdin.resume()
const canvas = readFileSync("train.ts", "utf8")
const lr = Number(/const lr = ([0-9.]+)/.exec(canvas)?.[1] ?? "0")
setTimeout(() => {
  if (/const crash = true/.test(canvas)) {
    writeFileSync(logFile, "step 1\nError: boom (const crash = true)\n")
    process.stdout.write(JSON.stringify({ crash: "boom (const crash = true)" }))
    process.exit(1)
  }
  const valBpb = Number((1 + 0.05 * Math.sin(lr * 997)).toFixed(6))
  writeFileSync(logFile, `---\nval_bpb:          ${valBpb.toFixed(6)}\n`)
  process.stdout.write(JSON.stringify({ valBpb }))
  process.exit(0)
}, 20 + Math.random() * 60)
