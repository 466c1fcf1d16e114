/* global document, location, prompt, window */
// The web page for browsers without the app: token login, folder browsing (the folder is in the URL's hash, so
// back and reload work), downloads as plain links (the browser resumes them with Range), resumable uploads.
import { uploadFile, UploadCancelled } from './upload.js'

const $ = (id) => document.getElementById(id)
let session = null

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers:
      body === undefined
        ? { 'X-Ferry-Request': '1' }
        : { 'Content-Type': 'application/json', 'X-Ferry-Request': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const data = await res.json().catch(() => ({}))
  if (!res.ok)
    throw Object.assign(new Error(data.message || `HTTP ${res.status}`), {
      code: data.code,
      status: res.status,
    })
  return data
}

/** '#/a/b' -> 'a/b' (each name percent-encoded in the hash). */
function currentPath() {
  const hash = location.hash.replace(/^#\/?/, '')
  if (hash === '') return ''
  try {
    return hash.split('/').map(decodeURIComponent).join('/')
  } catch {
    return ''
  }
}

const encodePath = (path) => path.split('/').map(encodeURIComponent).join('/')

function formatBytes(n) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000
    i += 1
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag)
  Object.assign(node, props)
  for (const child of children) node.append(child)
  return node
}

function renderCrumbs(path) {
  const crumbs = $('crumbs')
  crumbs.replaceChildren(el('a', { href: '#/', textContent: session.name }))
  let so = ''
  for (const name of path === '' ? [] : path.split('/')) {
    so = so === '' ? name : `${so}/${name}`
    crumbs.append(' / ', el('a', { href: `#/${encodePath(so)}`, textContent: name }))
  }
}

async function browse() {
  const path = currentPath()
  renderCrumbs(path)
  $('share-error').textContent = ''
  const list = $('entries')
  try {
    const { entries } = await api('GET', `/api/list/${encodePath(path)}`)
    const items = entries.map((e) => {
      const full = path === '' ? e.name : `${path}/${e.name}`
      const link =
        e.type === 'dir'
          ? el('a', { href: `#/${encodePath(full)}` })
          : el('a', { href: `/api/file/${encodePath(full)}`, download: e.name })
      link.append(
        el('span', { className: `icon ${e.type}`, ariaHidden: 'true' }),
        el('span', { className: 'name', textContent: e.name }),
        el('span', { className: 'meta', textContent: e.type === 'dir' ? '' : formatBytes(e.size) }),
      )
      const item = el('li', {}, link)
      item.dataset.testid = 'entry'
      item.dataset.name = e.name
      return item
    })
    list.replaceChildren(...items)
    if (items.length === 0) list.append(el('li', { className: 'meta', textContent: 'This folder is empty.' }))
  } catch (err) {
    if (err.code === 'AUTH_REQUIRED') return showLogin()
    list.replaceChildren()
    $('share-error').textContent = err.message
  }
}

function showLogin() {
  $('share').hidden = true
  $('logout').hidden = true
  $('login').hidden = false
  $('token').focus()
}

function showShare() {
  $('login').hidden = true
  $('share').hidden = false
  $('logout').hidden = session.auth !== 'token'
  $('actions').hidden = session.readOnly
  $('read-only').hidden = !session.readOnly
  void browse()
}

const STATE_TEXT = {
  starting: 'Starting…',
  uploading: 'Uploading',
  reconnecting: 'Connection lost: resuming…',
  verifying: 'Checking…',
  done: 'Done',
}

async function upload(file) {
  const dir = currentPath()
  const path = dir === '' ? file.name : `${dir}/${file.name}`
  const bar = el('progress', { max: file.size || 1, value: 0 })
  const status = el('span', { textContent: 'Starting…' })
  const cancel = el('button', { type: 'button', textContent: 'Cancel' })
  const item = el(
    'li',
    {},
    el('div', { className: 'row' }, el('span', { className: 'tname', textContent: file.name }), status),
    bar,
    cancel,
  )
  item.dataset.testid = 'transfer'
  item.dataset.name = file.name
  $('transfers').prepend(item)
  const controller = new AbortController()
  cancel.onclick = () => controller.abort()
  try {
    const done = await uploadFile(file, path, {
      signal: controller.signal,
      report: ({ state, sent }) => {
        bar.value = sent
        const pct = file.size === 0 ? 100 : Math.floor((sent / file.size) * 100)
        status.textContent = state === 'uploading' ? `${pct}%` : STATE_TEXT[state]
        item.dataset.state = state
      },
    })
    status.textContent = done.path === path ? 'Done' : `Done as ${done.path.split('/').pop()}`
    cancel.remove()
    if (currentPath() === dir) void browse()
  } catch (err) {
    item.dataset.state = 'failed'
    status.textContent = err instanceof UploadCancelled ? 'Cancelled' : `Failed: ${err.message}`
    cancel.remove()
  }
}

async function start() {
  session = await api('GET', '/api/session')
  $('title').textContent = session.name
  document.title = `${session.name} – Ferry`
  if (session.auth === 'token' && !session.loggedIn) showLogin()
  else showShare()
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault()
  $('login-error').textContent = ''
  try {
    await api('POST', '/api/login', { token: $('token').value })
    $('token').value = ''
    await start()
  } catch (err) {
    $('login-error').textContent = err.message
  }
})

$('logout').addEventListener('click', async () => {
  await api('POST', '/api/logout').catch(() => undefined)
  showLogin()
})

$('pick').addEventListener('change', () => {
  for (const file of $('pick').files) void upload(file)
  $('pick').value = ''
})

$('new-folder').addEventListener('click', async () => {
  const name = prompt('Folder name')
  if (!name) return
  const dir = currentPath()
  try {
    await api('POST', `/api/mkdir/${encodePath(dir === '' ? name : `${dir}/${name}`)}`)
    void browse()
  } catch (err) {
    $('share-error').textContent = err.message
  }
})

window.addEventListener('hashchange', () => void browse())
start().catch((err) => {
  $('share').hidden = false
  $('share-error').textContent = err.message
})
