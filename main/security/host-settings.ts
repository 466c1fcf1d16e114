// The host form as it was last used to start hosting, generated access token included, kept in the app's data
// folder so a restart neither forgets the settings nor hands everyone a new token. The file holds a secret: it
// is written atomically with mode 0600. A missing, damaged or unknown file means "no saved settings", never an
// error: these are conveniences, and the form's defaults are always a safe start.
import { promises as fsp } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { writePrivateFileAtomic } from './atomic-file'

export const HOST_SETTINGS_FILE = 'host-settings.json'

const SettingsSchema = z.object({
  port: z.number().int().min(0).max(65_535),
  root: z
    .string()
    .min(1)
    .max(32 * 1024),
  bindAll: z.boolean(),
  tls: z.boolean(),
  readOnly: z.boolean(),
  /** Absent when hosting started without a token. */
  token: z.string().min(1).max(1024).optional(),
})

const FileSchema = z.object({ version: z.literal(1), settings: SettingsSchema })

export type HostSettings = z.infer<typeof SettingsSchema>

export function hostSettingsFile(dataDir: string): string {
  return path.join(dataDir, HOST_SETTINGS_FILE)
}

/** The saved settings, or null when there are none worth using (missing, unreadable, damaged, newer format). */
export async function loadHostSettings(
  file: string,
  warn: (message: string) => void = () => {},
): Promise<HostSettings | null> {
  let text: string
  try {
    text = await fsp.readFile(file, 'utf8')
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      warn(`could not read the saved host settings (${(err as Error).message}); using defaults`)
    }
    return null
  }
  try {
    return FileSchema.parse(JSON.parse(text)).settings
  } catch {
    warn(`ignored the saved host settings in ${file}: not a file this version understands`)
    return null
  }
}

export async function saveHostSettings(file: string, settings: HostSettings): Promise<void> {
  const clean = SettingsSchema.parse(settings)
  const text = JSON.stringify({ version: 1, settings: clean }, null, 2) + '\n'
  await writePrivateFileAtomic(file, text, 'host settings')
}
