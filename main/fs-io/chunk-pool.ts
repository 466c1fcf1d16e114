// Reusable read buffers for a bulk transfer. A fresh 1 MiB Buffer per chunk means a new native allocation per
// MiB sent: page faults to map it, and external memory that drives extra GCs to free it. A buffer goes back to the
// pool only once the socket has let go of it (its write callback fired), so a reused buffer never changes bytes
// still waiting to be sent; a buffer that is never returned is simply left to the GC.
export class ChunkPool {
  private readonly free: Buffer[] = []

  constructor(
    /** Size of every buffer handed out. */
    readonly chunkBytes: number,
    /** Most idle buffers kept; more come back only when the socket was slow to let go of them. */
    private readonly keep: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.chunkBytes)
  }

  give(buffer: Buffer): void {
    if (this.free.length < this.keep && buffer.length === this.chunkBytes) this.free.push(buffer)
  }
}
