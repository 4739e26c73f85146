import { packageBuild } from "../../tsup.shared.js"

export default packageBuild(["src/index.ts", "src/test/index.ts", "src/cli/bin.ts"], { entry: ["src/index.ts", "src/test/index.ts"] })
