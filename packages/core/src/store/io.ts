// The store's only write primitive: append bytes durably. Injectable so a full disk or a
// failing device can be simulated in tests without root tricks.
import { promises as fs } from "node:fs"

export interface StoreIo {
  /**
   * Appends `data` to `path` and flushes it to the device before resolving. On failure it
   * undoes a partial write where it can (the file is truncated back to its old length).
   */
  readonly append: (path: string, data: string) => Promise<void>
}

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
  }
}
