import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { getApi, hasApi } from './lib/api'
import { installBrowserBridge } from './lib/browser-bridge'
import { createFerryStore } from './store'
import { initStore } from './store/bind-api'
import { StoreProvider } from './store/context'
import './styles.css'

function showFatal(root: HTMLElement, message: string): void {
  const p = document.createElement('p')
  p.className = 'fatal'
  p.setAttribute('role', 'alert')
  p.textContent = message
  root.replaceChildren(p)
}

async function start(): Promise<void> {
  const root = document.getElementById('root')
  if (!root) throw new Error('#root is missing from index.html')
  try {
    // Browser mode: no preload put window.ferry in place, so the WebSocket bridge does (it needs the token from
    // the address the host printed).
    if (!hasApi() && !installBrowserBridge()) {
      showFatal(
        root,
        'Ferry is not connected to its back end. Open the address Ferry printed when it started.',
      )
      return
    }
    const api = getApi()
    const store = createFerryStore(api)
    initStore(store, api)
    createRoot(root).render(
      <StrictMode>
        <StoreProvider store={store}>
          <App />
        </StoreProvider>
      </StrictMode>,
    )
  } catch (e: unknown) {
    showFatal(root, `Ferry could not start: ${e instanceof Error ? e.message : String(e)}`)
  }
}

void start()
