import { project } from "../../vitest.shared.js"

export default project("example-custom-agent", { include: ["test/**/*.test.ts"] })
