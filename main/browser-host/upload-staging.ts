// The staging folder of browser mode: the files a page sends (page-uploads.ts) are written here, one file each,
// and the transfer queue uploads them from here and deletes each once it is on the server. Copies of unfinished
// uploads stay across a restart so their transfers can be resumed; anything else found here is a leftover.
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

/** The staging folder inside a browser host's data folder. */
export const STAGING_FOLDER = 'ferry-staging'

/** Deletes every staged copy in dir except those listed (the transfer queue's unfinished uploads). */
export async function pruneStaging(dir: string, keep: string[]): Promise<void> {
  const wanted = new Set(keep)
  const names = await readdir(dir).catch(() => [])
  await Promise.all(
    names
      .map((name) => join(dir, name))
      .filter((p) => !wanted.has(p))
      .map((p) => rm(p, { force: true, recursive: true })),
  )
}
