// Renders an SVG file to PNG with headless Chromium's own screenshot mode (no extra npm
// dependency): the SVG is opened as a page of exactly its size and captured.
import { execFile } from "node:child_process"
import { existsSync, rmSync, statSync } from "node:fs"
import { pathToFileURL } from "node:url"
import { findChromium, headlessArgs } from "./chromium.js"

export type PngResult =
  | { readonly written: true; readonly path: string }
  | { readonly written: false; readonly reason: string }

export const renderPng = (
  svgFile: string,
  pngFile: string,
  size: { readonly width: number; readonly height: number },
  chromium: string | undefined = findChromium()
): Promise<PngResult> => {
  if (chromium === undefined) {
    return Promise.resolve({
      written: false,
      reason: "no Chromium found (install chromium or set AUTORESEARCH_CHROMIUM); wrote the SVG only"
    })
  }
  rmSync(pngFile, { force: true }) // never mistake an old chart for this one
  const args = [...headlessArgs, `--screenshot=${pngFile}`, `--window-size=${size.width},${size.height}`, pathToFileURL(svgFile).href]
  return new Promise((resolve) => {
    execFile(chromium, args, { timeout: 60_000 }, (error) => {
      if (existsSync(pngFile) && statSync(pngFile).size > 0) resolve({ written: true, path: pngFile })
      else resolve({ written: false, reason: `Chromium could not render the PNG (${error?.message.split("\n")[0] ?? "no output"}); wrote the SVG only` })
    })
  })
}
