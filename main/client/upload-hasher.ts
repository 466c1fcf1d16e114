// The running SHA-256 of a local file being uploaded, fed with each chunk as it is sent. A resume needs the hash
// of exactly the bytes the server holds, which after a drop is a little less than what was sent; SHA-256 cannot
// be rewound, so the hasher keeps copies of its state every CHECKPOINT_BYTES over the last few MiB and re-reads
// only the gap from the file instead of the whole prefix.
import { createHash, type Hash } from 'node:crypto'
import { hashFdRange } from '../fs-io/hash-range'

const CHECKPOINT_BYTES = 1024 * 1024
/** Enough to cover what a dropped connection can lose in flight (socket buffers, proxies, the server's queue). */
const MAX_CHECKPOINTS = 32

interface Checkpoint {
  at: number
  hash: Hash
}

export class UploadHasher {
  private hash = createHash('sha256')
  private position = 0
  private checkpoints: Checkpoint[] = []

  constructor(
    /** Open descriptor of the local file (owned by the caller). */
    private readonly fd: number,
    private readonly label: string,
  ) {}

  /** Bytes hashed so far, from the start of the file. */
  get at(): number {
    return this.position
  }

  /** How many bytes moveTo(offset) would have to read from the file. */
  costTo(offset: number): number {
    if (offset >= this.position) return offset - this.position
    return offset - (this.latestAtOrBefore(offset)?.at ?? 0)
  }

  /** Makes the state that of the file's first `offset` bytes, rewinding to a checkpoint or re-reading as needed. */
  async moveTo(offset: number, signal?: AbortSignal): Promise<void> {
    if (offset < this.position) {
      const checkpoint = this.latestAtOrBefore(offset)
      this.checkpoints = this.checkpoints.filter((c) => c.at <= offset)
      this.hash = checkpoint ? checkpoint.hash.copy() : createHash('sha256')
      this.position = checkpoint?.at ?? 0
    }
    try {
      await hashFdRange(this.fd, this.hash, this.position, offset, { signal, label: this.label })
    } catch (err: unknown) {
      // Part of the range went in: the state matches no offset any more, so start afresh next time.
      this.hash = createHash('sha256')
      this.position = 0
      this.checkpoints = []
      throw err
    }
    this.position = offset
    this.mark()
  }

  /** Feeds the next chunk of the file, in order. */
  update(chunk: Buffer): void {
    this.hash.update(chunk)
    this.position += chunk.length
    const last = this.checkpoints.at(-1)?.at ?? 0
    if (this.position - last >= CHECKPOINT_BYTES) this.mark()
  }

  /** SHA-256 (lowercase hex) of the bytes so far; the hasher stays usable (a retry may rewind it). */
  hex(): string {
    return this.hash.copy().digest('hex')
  }

  private mark(): void {
    if (this.checkpoints.at(-1)?.at === this.position) return
    this.checkpoints.push({ at: this.position, hash: this.hash.copy() })
    if (this.checkpoints.length > MAX_CHECKPOINTS) this.checkpoints.shift()
  }

  private latestAtOrBefore(offset: number): Checkpoint | undefined {
    return this.checkpoints.findLast((c) => c.at <= offset)
  }
}
