// pnpm bench:kernels [--json] [--stock] [--peer] [--no-probe] [--threads=N] [--seconds=0.25] [--rounds=3]
// [--probe-rounds=2] [--probe-steps=3]: the built-in sgemm vs the system BLAS (and numpy) side by
// side, then the probe model's tokens/s with each. The benchmark lives with its package.
import { runKernelBenchmark } from "../packages/fast-kernels/bench/kernel-bench.js"

await runKernelBenchmark(process.argv.slice(2))
