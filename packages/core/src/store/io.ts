// Every file operation of the default store, appends and the repair on open alike. Injectable
// so a full disk, a failing device or an in-memory file system can stand in for the real one.
import { promises as fs, readFileSync } from "node:fs"

/** The file operations `ResultsStore` makes; `nodeStoreIo` is the real one. */
export interface StoreIo {
  /**
   * Appends `data` to `path` (created when missing) and flushes it to the device before
   * resolving. On failure it undoes a partial write where it can (back to the old length).
   */
  readonly append: (path: string, data: string) => Promise<void>
  /**
   * The file's text, or undefined when it does not exist. Synchronous, so the store's `list`
   * is too (a reader may run it with `Effect.runSync`).
   */
  readonly read: (path: string) => string | undefined
  /** Cuts `path` back to `length` bytes and flushes that to the device. */
  readonly truncate: (path: string, length: number) => Promise<void>
  /** Creates the directory `path` and its parents when missing. */
  readonly makeDir: (path: string) => Promise<void>
}

/** The store's file operations on the real file system, each durable before it resolves. */
export const nodeStoreIo: StoreIo = {
  append: async (path, data) => {
    const handle = await fs.open(path, "a")
    try {
      const { size } = await handle.stat()
      try {
        await handle.write(data)
        await handle.datasync()
      } catch (error) {
        await handle.truncate(size).catch(() => undefined)
        throw error
      }
    } finally {
      await handle.close()
    }
  },
  read: (path) => {
    try {
      return readFileSync(path, "utf8")
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
      throw error
    }
  },
  truncate: async (path, length) => {
    const handle = await fs.open(path, "r+")
    try {
      await handle.truncate(length)
      await handle.datasync()
    } finally {
      await handle.close()
    }
  },
  makeDir: async (path) => {
    await fs.mkdir(path, { recursive: true })
  }
}
