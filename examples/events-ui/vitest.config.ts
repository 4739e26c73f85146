import { project } from "../../vitest.shared.js"

export default project("example-events-ui", { include: ["test/**/*.test.ts"] })
