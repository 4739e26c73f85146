// Tests that need PostgreSQL run when DATABASE_URL names a server whose role may create
// databases (CI sets it); without it they skip and say why.
import { createScratchDatabase, dropScratchDatabase } from "../../src/index.js"

export const adminUrl = process.env.DATABASE_URL

export const skipWithoutPostgres =
  adminUrl === undefined || adminUrl === ""
    ? "DATABASE_URL is not set: skipping the PostgreSQL tests (set it to a postgres:// URL whose role may CREATE DATABASE)"
    : undefined

if (skipWithoutPostgres !== undefined) console.warn(skipWithoutPostgres)

/** A fresh database for one test file; call the returned drop() when done. */
export const scratchDatabase = async (): Promise<{ url: string; drop: () => Promise<void> }> => {
  const url = await createScratchDatabase(adminUrl!)
  return { url, drop: () => dropScratchDatabase(adminUrl!, url) }
}
