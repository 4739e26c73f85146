import { packageBuild } from "../../tsup.shared.js"

export default packageBuild(
  { index: "src/index.ts", canvas: "src/canvas.ts", "harness/main": "src/harness/main.ts" },
  { entry: { index: "src/index.ts", canvas: "src/canvas.ts" } }
)
