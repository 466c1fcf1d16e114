// Thin promise wrappers over the fd-based fs callbacks: cheaper than FileHandle on the hot GET/PUT paths (no
// handle object, no GC close tracking) and they return plain numbers.
import fs from 'node:fs'

export function openFd(file: string, flags: string | number, mode = 0o644): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(file, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd)))
  })
}

export function fstatFd(fd: number): Promise<fs.Stats> {
  return new Promise((resolve, reject) => {
    fs.fstat(fd, (err, stats) => (err ? reject(err) : resolve(stats)))
  })
}

/** Reads up to length bytes at position; resolves the count read (0 at end of file). */
export function readFd(
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buffer, offset, length, position, (err, bytesRead) =>
      err ? reject(err) : resolve(bytesRead),
    )
  })
}

/** Reads until the buffer range is full or the file ends; resolves the count read. */
export async function readFully(
  fd: number,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let done = 0
  while (done < length) {
    const n = await readFd(fd, buffer, done, length - done, position + done)
    if (n === 0) break
    done += n
  }
  return done
}

export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.fsync(fd, (err) => (err ? reject(err) : resolve()))
  })
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.close(fd, (err) => (err ? reject(err) : resolve()))
  })
}

/** Closes without waiting; a failing close of a read-only fd loses nothing worth reporting. */
export function closeFdQuietly(fd: number): void {
  fs.close(fd, () => undefined)
}
