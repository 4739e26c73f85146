// Exact, unique text replacement over the canvas: every edit is checked against the text as
// the earlier edits left it, and nothing is written unless all of them apply.
import type { FileEdit } from "@autoresearch/core"
import { EditError } from "@autoresearch/core"

const countOccurrences = (text: string, needle: string): number => {
  let count = 0
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++
  return count
}

/**
 * Applies `edits` to the given file contents (keyed by canvas path) in memory and returns
 * the new contents of the files that changed, or the first edit that does not apply.
 */
export const applyEditsInMemory = (
  contents: ReadonlyMap<string, string>,
  edits: ReadonlyArray<FileEdit & { readonly relative: string }>
): Map<string, string> | EditError => {
  const changed = new Map<string, string>()
  for (const [i, edit] of edits.entries()) {
    const text = changed.get(edit.relative) ?? contents.get(edit.relative)!
    const where = `edit ${i + 1} of ${edits.length} (${edit.relative})`
    if (edit.old === "") return new EditError({ message: `${where}: the text to replace is empty`, path: edit.path })
    const found = countOccurrences(text, edit.old)
    if (found !== 1) {
      return new EditError({
        message:
          found === 0
            ? `${where}: the text to replace was not found (it must match the file exactly, whitespace included)`
            : `${where}: the text to replace occurs ${found} times; include more context so it is unique`,
        path: edit.path
      })
    }
    const at = text.indexOf(edit.old)
    changed.set(edit.relative, text.slice(0, at) + edit.new + text.slice(at + edit.old.length))
  }
  return changed
}
