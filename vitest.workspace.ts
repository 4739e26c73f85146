// Every package and example with a vitest.config.ts is one project of the suite.
export default ["packages/*/vitest.config.ts", "examples/*/vitest.config.ts"]
