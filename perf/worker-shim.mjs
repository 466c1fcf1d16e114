// Worker threads start without the parent's TypeScript loader (vitest) or with it (tsx): registering tsx here
// makes load-worker.ts loadable in both.
import { register } from 'tsx/esm/api'

register()
await import('./load-worker.ts')
