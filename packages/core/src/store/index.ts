export * from "./io.js"
export * from "./tsv.js"
export * from "./results-store.js"
export * from "./experiment-log.js"
