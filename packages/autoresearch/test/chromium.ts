// Finds a Chromium/Chrome binary for the dashboard test (the only thing that needs a browser).
import { existsSync } from "node:fs"
import { delimiter, join } from "node:path"

const names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"]

/** $AUTORESEARCH_CHROMIUM, else the first Chromium-like binary on PATH; undefined when none. */
export const findChromium = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const configured = env.AUTORESEARCH_CHROMIUM
  if (configured !== undefined && configured !== "") return existsSync(configured) ? configured : undefined
  const dirs = (env.PATH ?? "").split(delimiter).filter((dir) => dir !== "")
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name)
      if (existsSync(candidate)) return candidate
    }
  }
  return undefined
}

/** Flags for a quiet, offline, sandbox-free headless Chromium (containers, CI). */
export const headlessArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--hide-scrollbars"
]
