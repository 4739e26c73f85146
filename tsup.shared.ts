// Every package builds the same way: ESM + .d.ts for Node 20, from the entries it names.
import { defineConfig, type Options } from "tsup"

export const packageBuild = (entry: Options["entry"] = ["src/index.ts"], dts: Options["dts"] = true) =>
  defineConfig({ entry, dts, format: ["esm"], clean: true, sourcemap: true, target: "node20" })
