// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went, by function self time, so the bench
// can say what the server was busy with instead of leaving a file to open in DevTools.
import { readFile } from 'node:fs/promises'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export interface HotFunction {
  name: string
  where: string
  selfMs: number
  percent: number
}

export function summarizeProfile(profile: CpuProfile, top = 15): { totalMs: number; hot: HotFunction[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, { name: string; where: string; us: number }>()
  let totalUs = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    totalUs += delta
    const frame = byId.get(id)?.callFrame
    if (!frame) return
    const where = frame.url ? `${frame.url.replace(/^file:\/\//, '')}:${frame.lineNumber + 1}` : '(native)'
    const key = `${frame.functionName}@${where}`
    const entry = self.get(key) ?? { name: frame.functionName || '(anonymous)', where, us: 0 }
    entry.us += delta
    self.set(key, entry)
  })
  const hot = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      name: e.name,
      where: e.where,
      selfMs: Math.round(e.us / 100) / 10,
      percent: totalUs ? Math.round((e.us / totalUs) * 1000) / 10 : 0,
    }))
  return { totalMs: Math.round(totalUs / 1000), hot }
}

export async function summarizeProfileFile(
  path: string,
  top = 15,
): Promise<{ totalMs: number; hot: HotFunction[] }> {
  return summarizeProfile(JSON.parse(await readFile(path, 'utf8')) as CpuProfile, top)
}
