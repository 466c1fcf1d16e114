// HTTPS with the Ferry server's TLS identity: the page and API answer over TLS only, the certificate is the
// identity's (its fingerprint is what users compare), and the session cookie is Secure.
import { X509Certificate } from 'node:crypto'
import https from 'node:https'
import type tls from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateTlsIdentity } from '../security/tls-identity'
import { rawExchange, startWebFixture, type WebFixture } from './web-test-kit'

let identity: { key: string; cert: string }
let f: WebFixture

beforeAll(async () => {
  identity = await generateTlsIdentity()
  f = await startWebFixture({ token: 'tls-token', tls: { key: identity.key, cert: identity.cert } })
})
afterAll(() => f.close())

function request(
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: f.web.address().port,
        path,
        method,
        // A self-signed identity: checked below by its fingerprint, as a user would.
        rejectUnauthorized: false,
        headers: { 'X-Ferry-Request': '1', 'Content-Type': 'application/json' },
      },
      (res) => {
        const socket = res.socket as tls.TLSSocket
        const fingerprint = socket.getPeerCertificate().fingerprint256
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, fingerprint }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('HTTPS', () => {
  it('serves with the same TLS identity and sets a Secure cookie', async () => {
    expect(f.web.url).toMatch(/^https:\/\//)
    const page = await request('GET', '/')
    expect(page.status).toBe(200)
    expect(page.fingerprint).toBe(new X509Certificate(identity.cert).fingerprint256)
    const login = await request('POST', '/api/login', JSON.stringify({ token: 'tls-token' }))
    expect(login.status).toBe(200)
    expect(String(login.headers['set-cookie'])).toContain('Secure')
  })

  it('never answers in plaintext', async () => {
    const answer = await rawExchange(
      f.web.address().port,
      'GET /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      2000,
    )
    expect(answer).not.toContain('"auth"')
  })
})
