// Entry of a load worker thread: runs one LoadRunner per step as told by the coordinator in load-threads.ts.
// Loaded through worker-shim.mjs (tsx) in a source checkout, and built as out/main/perf-worker.js for the app, so
// it must stay loadable by plain Node: nothing here (or below it) may import electron.
import { parentPort } from 'node:worker_threads'
import { LoadRunner } from './load-runner'
import type { WorkerReply, WorkerRequest } from './load-threads'

const port = parentPort
if (!port) throw new Error('load-worker must run in a worker thread')

let runner: LoadRunner | null = null

function reply(message: WorkerReply): void {
  port?.postMessage(message)
}

async function handle(message: WorkerRequest): Promise<void> {
  switch (message.type) {
    case 'prepare': {
      runner = new LoadRunner(message.spec, message.counters)
      reply({ type: 'ready', connectErrors: await runner.connect() })
      return
    }
    case 'go': {
      if (!runner) throw new Error('go before prepare')
      const result = await runner.run(message.deadlineAt)
      reply({ type: 'result', result })
      return
    }
    case 'finish': {
      await runner?.close()
      runner = null
      reply({ type: 'finished' })
      return
    }
    case 'abort': {
      runner?.abortAll()
      return
    }
  }
}

port.on('message', (message: WorkerRequest) => {
  handle(message).catch((e: unknown) => {
    reply({ type: 'error', message: e instanceof Error ? e.message : String(e) })
  })
})
// The coordinator counts this worker as started only now (see whenLoaded in load-threads.ts).
reply({ type: 'loaded' })
