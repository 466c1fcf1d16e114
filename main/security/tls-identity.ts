// The server's TLS identity: an ECDSA P-256 key and a self-signed certificate, created on first run and kept in
// the app's data folder in one PEM file (mode 0600), so the fingerprint clients pinned survives restarts.
// Created with @peculiar/x509 over WebCrypto (Node has no certificate builder of its own). That library is
// loaded only when a certificate is made: importing it costs about 0.2 s, a large share of a short CLI command.
import { X509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { FerryError, fromSystemError } from '../protocol/error-codes'
import { fingerprintOf } from './fingerprint'

export const TLS_IDENTITY_FILE = 'ferry-tls-identity.pem'
const VALID_DAYS = 3650
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

export interface TlsIdentity {
  /** PEM private key (PKCS#8). */
  key: string
  /** PEM certificate. */
  cert: string
  /** SHA-256 fingerprint, 'AB:CD:...'. */
  fingerprint: string
  /** The file it is stored in. */
  file: string
  /** True when this call created it. */
  created: boolean
}

/** Generates a fresh identity in memory (used by tests and by loadOrCreate). */
export async function generateTlsIdentity(
  commonName = `Ferry ${os.hostname()}`,
): Promise<{ key: string; cert: string }> {
  await import('reflect-metadata')
  const x509 = await import('@peculiar/x509')
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair
  const now = Date.now()
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${commonName.replace(/[,=+<>#;"\\]/g, ' ').slice(0, 64)}`,
    notBefore: new Date(now - 60 * 60_000),
    notAfter: new Date(now + VALID_DAYS * 86_400_000),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  })
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/.{64}/g, '$&\n').trimEnd()}\n-----END PRIVATE KEY-----\n`
  return { key, cert: certificate.toString('pem') + '\n' }
}

/**
 * Loads the identity from dataDir, creating it on first run. Two processes starting at once end up with the
 * same identity: the file is published with link(), which fails if the other one won. A damaged file is an
 * error, never silently replaced, because a new key means every client sees a changed fingerprint.
 */
export async function loadOrCreateTlsIdentity(dataDir: string, commonName?: string): Promise<TlsIdentity> {
  const file = path.join(dataDir, TLS_IDENTITY_FILE)
  const existing = await readIdentity(file)
  if (existing) return { ...existing, file, created: false }
  try {
    await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 })
    const { key, cert } = await generateTlsIdentity(commonName)
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    await fsp.writeFile(temp, key + cert, { mode: 0o600, flag: 'wx' })
    try {
      await fsp.link(temp, file)
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const winner = await readIdentity(file)
      if (winner) return { ...winner, file, created: false }
      throw err
    } finally {
      await fsp.rm(temp, { force: true })
    }
    return { key, cert, fingerprint: fingerprintOf(cert), file, created: true }
  } catch (err: unknown) {
    throw fromSystemError(err, `TLS identity ${file}`)
  }
}

async function readIdentity(file: string): Promise<Omit<TlsIdentity, 'file' | 'created'> | null> {
  let text: string
  try {
    text = await fsp.readFile(file, 'utf8')
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw fromSystemError(err, `TLS identity ${file}`)
  }
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(text)?.[0]
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(text)?.[0]
  try {
    if (!key || !cert) throw new Error('key or certificate missing')
    const x509cert = new X509Certificate(cert)
    if (!x509cert.checkPrivateKey(createPrivateKey(key)))
      throw new Error('key does not match the certificate')
    return { key, cert, fingerprint: x509cert.fingerprint256 }
  } catch (err: unknown) {
    throw new FerryError(
      'INTERNAL',
      `TLS identity ${file} is damaged (${err instanceof Error ? err.message : String(err)}); remove it to ` +
        'create a new one (clients that pinned the old fingerprint will then refuse to connect until they accept the new one)',
      { cause: err },
    )
  }
}
