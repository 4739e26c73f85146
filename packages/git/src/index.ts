export * from "./git-workspace.js"
export * from "./apply-edits.js"
export * from "./canvas-paths.js"
