// The search tree as a standalone SVG: each kept node is a point at its depth (steps from the
// baseline) and its val_bpb, joined to the node it branched from; the way to the best is green,
// other branches grey. Drawn for runs whose strategy branches (best-first).
import type { TreeNode } from "../results/tree.js"

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
const round = (value: number) => Math.round(value * 10) / 10

export const renderTreeSvg = (tree: ReadonlyArray<TreeNode>, options: { readonly width?: number; readonly height?: number } = {}): string => {
  const width = options.width ?? 1200
  const height = options.height ?? 600
  const margin = { left: 80, right: 60, top: 50, bottom: 50 }
  const best = tree.find((node) => node.onBestPath && !tree.some((child) => child.parent === node.id && child.onBestPath))
  const title = `search tree: ${tree.length} kept node${tree.length === 1 ? "" : "s"}${best !== undefined ? `, best #${best.id} at ${best.valBpb.toFixed(6)}` : ""}`
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="28" text-anchor="middle" font-size="18" fill="#222">${escapeXml(title)}</text>`
  ]
  if (tree.length === 0) return [...parts, `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-size="16" fill="#888">no kept nodes yet</text>`, "</svg>"].join("\n")
  const values = tree.map((node) => node.valBpb)
  const low = Math.min(...values)
  const high = Math.max(...values)
  const pad = (high - low || 0.01) * 0.08
  const maxDepth = Math.max(...tree.map((node) => node.depth), 1)
  const x = (depth: number) => margin.left + (depth / maxDepth) * (width - margin.left - margin.right)
  const y = (value: number) => margin.top + (1 - (value - (low - pad)) / (high - low + 2 * pad)) * (height - margin.top - margin.bottom)
  for (const tick of [low, (low + high) / 2, high]) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${round(y(tick))}" y2="${round(y(tick))}" stroke="#eee"/>`,
      `<text x="${margin.left - 8}" y="${round(y(tick)) + 4}" text-anchor="end" font-size="12" fill="#555">${tick.toFixed(4)}</text>`
    )
  }
  for (let depth = 0; depth <= maxDepth; depth++) {
    parts.push(`<text x="${round(x(depth))}" y="${height - margin.bottom + 18}" text-anchor="middle" font-size="12" fill="#555">${depth}</text>`)
  }
  parts.push(
    `<text x="${width / 2}" y="${height - 15}" text-anchor="middle" font-size="14" fill="#333">steps from the baseline</text>`,
    `<text transform="translate(20 ${height / 2}) rotate(-90)" text-anchor="middle" font-size="14" fill="#333">val_bpb (lower is better)</text>`
  )
  const byId = new Map(tree.map((node) => [node.id, node]))
  for (const node of tree) {
    const parent = node.parent !== null ? byId.get(node.parent) : undefined
    if (parent === undefined) continue
    const main = node.onBestPath && parent.onBestPath
    parts.push(
      `<line class="edge" data-from="${parent.id}" data-to="${node.id}" x1="${round(x(parent.depth))}" y1="${round(y(parent.valBpb))}" x2="${round(x(node.depth))}" y2="${round(y(node.valBpb))}" stroke="${main ? "#2ca02c" : "#999"}" stroke-width="${main ? 2.5 : 1.5}"/>`
    )
  }
  for (const node of tree) {
    const fill = node.parent === null ? "#1f77b4" : node.onBestPath ? "#2ca02c" : "#999"
    const cx = round(x(node.depth))
    const cy = round(y(node.valBpb))
    parts.push(
      `<circle class="node" data-id="${node.id}" cx="${cx}" cy="${cy}" r="6" fill="${fill}" stroke="#fff" stroke-width="1.5"><title>#${node.id} ${escapeXml(node.description)}: ${node.valBpb.toFixed(6)} (${node.visits} experiment(s) from it)</title></circle>`,
      `<text x="${cx + 8}" y="${cy - 8}" font-size="11" fill="#333">#${node.id}</text>`
    )
  }
  parts.push("</svg>")
  return parts.join("\n")
}
