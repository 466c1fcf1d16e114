// CPU time of the calling thread. process.cpuUsage() counts the whole process (server, other workers), which
// would hide whether the load generator itself is saturated; Linux exposes per-thread times in
// /proc/thread-self/stat, read synchronously so it is this thread's file and not a libuv pool thread's.
import { readFileSync } from 'node:fs'

/** Linux USER_HZ; 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100

/** User + system CPU milliseconds of this thread, or null where the platform does not tell us. */
export function threadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8')
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null
    return ((utime + stime) * 1000) / TICKS_PER_SECOND
  } catch {
    return null
  }
}
