// Rasterises the chart's SVG to PNG with resvg (a Rust SVG renderer, shipped by npm as a
// prebuilt binary for each platform: no browser, no compiler). The text is set in the
// bundled DejaVu Sans, so the picture is the same on a machine without any system fonts.
import { createRequire } from "node:module"
import { rmSync, writeFileSync } from "node:fs"

export type PngResult =
  | { readonly written: true; readonly path: string }
  | { readonly written: false; readonly reason: string }

const require = createRequire(import.meta.url)

export const renderPng = async (svg: string, pngFile: string, width: number): Promise<PngResult> => {
  rmSync(pngFile, { force: true }) // never mistake an old chart for this one
  let Resvg: typeof import("@resvg/resvg-js").Resvg
  try {
    // loaded on demand: a platform without a prebuilt binary still gets the SVG and the HTML
    Resvg = (await import("@resvg/resvg-js")).Resvg
  } catch (error) {
    return { written: false, reason: `no PNG renderer for ${process.platform}-${process.arch} (${firstLine(error)}); wrote the SVG only` }
  }
  const font = require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")
  try {
    const png = new Resvg(svg, {
      fitTo: { mode: "width", value: width },
      font: { loadSystemFonts: false, fontFiles: [font], defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" }
    })
      .render()
      .asPng()
    writeFileSync(pngFile, png)
    return { written: true, path: pngFile }
  } catch (error) {
    return { written: false, reason: `could not render the PNG (${firstLine(error)}); wrote the SVG only` }
  }
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0]
