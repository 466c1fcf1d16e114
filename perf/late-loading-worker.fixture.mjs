// A stand-in load worker whose modules take long to load (as load-worker.ts does through tsx): it says 'loaded'
// only when the test releases it over a BroadcastChannel, after telling the test it is running.
import { BroadcastChannel, parentPort } from 'node:worker_threads'

const gate = new BroadcastChannel('ferry-late-loading-worker')
gate.postMessage('running')
gate.onmessage = () => {
  gate.close()
  parentPort?.postMessage({ type: 'loaded' })
}
