import { project } from "../../vitest.shared.js"

export default project("example-local-model", { include: ["test/**/*.test.ts"] })
