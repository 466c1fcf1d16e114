// Reads the Ferry hosts out of one mDNS response: for each instance of _ferry._tcp.local it names, the SRV
// (port) and TXT (FerryTxt) records, or a goodbye (TTL 0, RFC 6762 §10.1). Everything else in the packet is
// ignored; a record that does not fit is skipped without touching the rest.
import type { Answer } from 'dns-packet'
import { MAX_LABEL_BYTES, MAX_TTL_SECONDS, SERVICE_TYPE } from './constants'
import { decodeTxt, type FerryTxt } from './txt-record'

export type InstanceAnswer =
  | { kind: 'goodbye'; instance: string }
  | { kind: 'host'; instance: string; port: number; ttlSeconds: number; txt: FerryTxt }

/** Records read from one packet at most: a packet of thousands of tiny records is not worth reading whole. */
const MAX_RECORDS = 256
const SUFFIX = `.${SERVICE_TYPE}`

/** The instance label of a full service instance name ('Box (7420)._ferry._tcp.local' gives 'Box (7420)'). */
export function instanceLabel(fullName: unknown): string | null {
  if (typeof fullName !== 'string') return null
  if (!fullName.toLowerCase().endsWith(SUFFIX)) return null
  const label = fullName.slice(0, -SUFFIX.length)
  if (label.length === 0 || Buffer.byteLength(label, 'utf8') > MAX_LABEL_BYTES) return null
  if (/[\p{Cc}\p{Cf}]/u.test(label)) return null
  return label
}

export function readInstances(records: readonly Answer[]): InstanceAnswer[] {
  const list = records.slice(0, MAX_RECORDS)
  const byName = (type: string, name: string) =>
    list.find((r) => r.type === type && typeof r.name === 'string' && r.name.toLowerCase() === name)
  const seen = new Set<string>()
  const out: InstanceAnswer[] = []
  for (const record of list) {
    // An instance is named by a PTR of the service type, or directly by its SRV (an answer to an SRV query).
    const full =
      record.type === 'PTR' && typeof record.name === 'string' && record.name.toLowerCase() === SERVICE_TYPE
        ? record.data
        : record.type === 'SRV'
          ? record.name
          : null
    const label = instanceLabel(full)
    if (label === null || typeof full !== 'string') continue
    const key = full.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    const srv = byName('SRV', key)
    const ptr = record.type === 'PTR' ? record : null
    if (ttlOf(ptr) === 0 || ttlOf(srv) === 0) {
      out.push({ kind: 'goodbye', instance: label })
      continue
    }
    const txtRecord = byName('TXT', key)
    if (!srv || srv.type !== 'SRV' || !txtRecord || txtRecord.type !== 'TXT') continue
    const port = srv.data?.port
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) continue
    const strings = Array.isArray(txtRecord.data) ? txtRecord.data : [txtRecord.data]
    const txt = decodeTxt(strings)
    if (!txt) continue
    const ttls = [ttlOf(srv), ttlOf(txtRecord)].filter((t): t is number => t !== null && t > 0)
    const ttlSeconds = Math.min(MAX_TTL_SECONDS, ...ttls)
    out.push({ kind: 'host', instance: label, port, ttlSeconds, txt })
  }
  return out
}

function ttlOf(record: Answer | null | undefined): number | null {
  if (!record) return null
  const ttl = (record as { ttl?: unknown }).ttl
  return typeof ttl === 'number' && Number.isFinite(ttl) && ttl >= 0 ? ttl : null
}
