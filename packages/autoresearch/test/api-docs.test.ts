// Every exported symbol of the public entry points (`autoresearch`, `autoresearch/test`,
// `@autoresearch/core`, `@autoresearch/core/test`) has a doc comment: the TypeScript compiler
// lists each entry's exports, follows re-exports to the declaration, and reads its JSDoc.
import { fileURLToPath } from "node:url"
import { join } from "node:path"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const entries = {
  autoresearch: "packages/autoresearch/src/index.ts",
  "autoresearch/test": "packages/autoresearch/src/test/index.ts",
  "@autoresearch/core": "packages/core/src/index.ts",
  "@autoresearch/core/test": "packages/core/src/test/index.ts"
}

const config = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, "tsconfig.base.json"), ts.sys.readFile).config, ts.sys, root)

/** Whether a declaration carries a JSDoc comment with some text (on itself or its statement). */
const documented = (declaration: ts.Declaration): boolean => {
  // `export const X = ...` keeps its comment on the variable statement, two parents up.
  const holders: Array<ts.Node> = [declaration]
  if (ts.isVariableDeclaration(declaration)) holders.push(declaration.parent.parent)
  // `export * as X from "..."` keeps its comment on the export statement.
  if (ts.isNamespaceExport(declaration)) holders.push(declaration.parent)
  return holders.some((node) =>
    ts.getJSDocCommentsAndTags(node).some((doc) => ts.isJSDoc(doc) && (ts.getTextOfJSDocComment(doc.comment) ?? "").trim() !== "")
  )
}

/** The exported names of an entry point that have no doc comment on any of their declarations. */
const undocumented = (program: ts.Program, file: string): Array<string> => {
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)
  if (source === undefined) throw new Error(`${file} is not in the program`)
  const module = checker.getSymbolAtLocation(source)!
  return checker
    .getExportsOfModule(module)
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
      return ![...(symbol.declarations ?? []), ...(target.declarations ?? [])].some(documented)
    })
    .map((symbol) => symbol.name)
    .sort()
}

describe("public API docs", () => {
  const program = ts.createProgram(
    Object.values(entries).map((entry) => join(root, entry)),
    { ...config.options, noEmit: true }
  )
  for (const [name, entry] of Object.entries(entries)) {
    it(`every export of ${name} has a doc comment`, { timeout: 120_000 }, () => {
      expect(undocumented(program, join(root, entry))).toEqual([])
    })
  }
})
