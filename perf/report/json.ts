// The JSON document of a perf run: what was asked, where it ran, and every point (with the engine's extras).
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os'
import type { PerfPoint } from '../../preload/api'

export interface RunMeta {
  startedAt: string
  target: string
  sizeBytes: number
  requests: number
  mix: 'get' | 'post' | 'mixed'
  maxDurationMs: number
  workers: number
}

export interface MachineInfo {
  node: string
  platform: string
  cpus: number
  cpuModel: string
  memoryBytes: number
}

export function machineInfo(): MachineInfo {
  return {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
  }
}

export function toJson(
  meta: RunMeta,
  points: readonly PerfPoint[],
  machine: MachineInfo = machineInfo(),
): string {
  return `${JSON.stringify({ version: 1, meta, machine, points }, null, 2)}\n`
}
