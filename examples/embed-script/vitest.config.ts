import { project } from "../../vitest.shared.js"

export default project("example-embed-script", { include: ["test/**/*.test.ts"] })
