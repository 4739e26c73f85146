// Parallel efficiency of the distributed queue on PostgreSQL (the benchmark lives with its
// package, packages/distributed/bench/parallel.ts, so it resolves that package's dependencies).
// Usage: DATABASE_URL=postgres://… pnpm bench:parallel [--workers 64 | --sweep 1,4,16,64] [--duration 10] [--rounds 3] [--compare] [--json]
import "../packages/distributed/bench/parallel.js"
