// pnpm bench:kernels [--json] [--stock] [--seconds=0.25] [--rounds=3]: sgemm GFLOP/s through our BatchMatMul
// kernel vs the machine's BLAS (numpy). The benchmark lives with its package.
import { runKernelBenchmark } from "../packages/fast-kernels/bench/kernel-bench.js"

await runKernelBenchmark(process.argv.slice(2))
