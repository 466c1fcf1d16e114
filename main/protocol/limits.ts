// Hard limits of protocol version 1. Both sides enforce them; HELLO tells the client the server's values.
export const PROTOCOL_VERSION = 1
/** Largest JSON header a peer accepts. Listings travel as bodies, so headers stay small. */
export const MAX_HEADER_BYTES = 64 * 1024
/** Largest body a frame may declare (1 TiB): a sanity bound, quotas and free space are checked separately. */
export const MAX_BODY_BYTES = 2 ** 40
/** Largest LIST body a client accepts (JSON array of entries); about 500,000 entries. */
export const MAX_LISTING_BYTES = 64 * 1024 * 1024
/** Longest name segment in UTF-8 bytes, the common file system limit. */
export const MAX_NAME_BYTES = 255
/** Longest whole relative path in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096
/** Deepest folder nesting accepted. */
export const MAX_PATH_DEPTH = 64
/** Reserved prefix for the server's own bookkeeping (temp and partial files); never listed, never addressable. */
export const RESERVED_PREFIX = '.ferry'
/**
 * Optional features a server names in HELLO (`features`), so a client uses them only where they exist and older
 * servers and clients keep working: 'tree' (TREE, a folder tree in pages) and 'put-batch' (PUT_BATCH, many small
 * files in one frame, made durable as a group).
 */
export const FEATURES = ['tree', 'put-batch'] as const
export type Feature = (typeof FEATURES)[number]
/** TREE pages hold at most this many entries and about this many bytes of JSON. */
export const TREE_PAGE_ENTRIES = 4096
export const TREE_PAGE_BYTES = 1024 * 1024
/** A PUT_BATCH carries at most this many files and body bytes; no file in it may be larger than MAX_BATCH_FILE_BYTES. */
export const MAX_BATCH_FILES = 512
export const MAX_BATCH_BYTES = 4 * 1024 * 1024
export const MAX_BATCH_FILE_BYTES = 1024 * 1024
