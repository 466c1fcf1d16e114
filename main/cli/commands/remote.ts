// One-shot remote commands: connect, run one operation, close. Ctrl+C cancels a running transfer (partial
// downloads are kept for resuming) instead of killing the process mid-write.
import process from 'node:process'
import type { OverwriteMode } from '../../protocol/messages'
import { connectParamsOf, type RemoteAddress } from '../address'
import type { CliIo } from '../io'
import type { OpContext } from '../ops'
import { getOp, listOp, mkdirOp, mvOp, pingOp, putOp, rmOp } from '../ops'
import type { Connect } from '../remote-client'
import { resolveRemotePath } from '../remote-path'

export interface RemoteOps {
  ls(path: string, options: { long?: boolean; json?: boolean }): Promise<void>
  get(
    remote: string,
    local: string | undefined,
    options: { resume?: boolean; force?: boolean; stopOnError?: boolean },
  ): Promise<void>
  put(
    locals: string[],
    remoteDir: string,
    mode: OverwriteMode,
    options?: { stopOnError?: boolean },
  ): Promise<void>
  rm(path: string, recursive: boolean): Promise<void>
  mkdir(path: string, parents: boolean): Promise<void>
  mv(from: string, to: string): Promise<void>
  ping(): Promise<void>
}

/** The operations with remote paths resolved against `cwd` (the share root for one-shot commands). */
export function boundOps(ctx: OpContext, cwd = ''): RemoteOps {
  const at = (p: string): string => resolveRemotePath(cwd, p)
  return {
    ls: (p, o) => listOp(ctx, at(p), o),
    get: (r, l, o) => getOp(ctx, at(r), l, o),
    put: (locals, dir, mode, o) => putOp(ctx, locals, at(dir), { mode, ...o }),
    rm: (p, r) => rmOp(ctx, at(p), r),
    mkdir: (p, parents) => mkdirOp(ctx, at(p), parents),
    mv: (from, to) => mvOp(ctx, at(from), at(to)),
    ping: () => pingOp(ctx),
  }
}

export async function runRemote(
  io: CliIo,
  connect: Connect,
  address: RemoteAddress,
  run: (ops: RemoteOps) => Promise<void>,
): Promise<void> {
  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  process.on('SIGINT', onSignal)
  io.signal?.addEventListener('abort', onSignal)
  try {
    const client = await connect({ ...connectParamsOf(address), signal: abort.signal })
    try {
      await run(boundOps({ client, io, signal: abort.signal }))
    } finally {
      await client.close()
    }
  } finally {
    process.off('SIGINT', onSignal)
    io.signal?.removeEventListener('abort', onSignal)
  }
}
