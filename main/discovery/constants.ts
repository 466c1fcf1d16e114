// The DNS-SD names and timings of Ferry discovery, in one place (docs/DISCOVERY.md describes them).

/** The service type every Ferry host announces (RFC 6763: _service._proto.domain). */
export const SERVICE_TYPE = '_ferry._tcp.local'

/** TTL of a host's PTR, SRV and TXT answers: how long a host that vanished without a goodbye stays listed. */
export const DEFAULT_TTL_SECONDS = 120

/** A listener never keeps an answer longer than this, whatever TTL a (possibly hostile) sender claims. */
export const MAX_TTL_SECONDS = 120

/** At most this many hosts are listed at once; answers about further hosts are dropped until some expire. */
export const MAX_ENTRIES = 64

/** A DNS label (an instance name, a host name) is at most 63 bytes (RFC 1035). */
export const MAX_LABEL_BYTES = 63

/** A whole TXT record of ours fits in this; a larger one is not ours (RFC 6763 §6.2 suggests under 200). */
export const MAX_TXT_BYTES = 400

/** Unsolicited announcements a host sends on start, this far apart (RFC 6762 §8.3: at least two, 1 s apart). */
export const ANNOUNCE_COUNT = 2
export const ANNOUNCE_INTERVAL_MS = 1_000
