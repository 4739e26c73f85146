import { defineConfig } from "tsup"

export default defineConfig({
  entry: { index: "src/index.ts", canvas: "src/canvas.ts", "harness/main": "src/harness/main.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", canvas: "src/canvas.ts" } },
  clean: true,
  sourcemap: true,
  target: "node20"
})
