import type { DiffStat } from "./domain.js"

/** Files, insertions and deletions of a unified diff (as `git diff` prints it). */
export const diffStatOf = (diff: string): DiffStat => {
  let files = 0
  let insertions = 0
  let deletions = 0
  let inHunk = false
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) {
      files++
      inHunk = false
    } else if (line.startsWith("@@")) inHunk = true
    else if (inHunk && line.startsWith("+")) insertions++
    else if (inHunk && line.startsWith("-")) deletions++
  }
  return { files, insertions, deletions }
}
