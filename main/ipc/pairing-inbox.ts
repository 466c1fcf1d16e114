// ferry:// links the operating system hands the app (a click in a browser or chat, a scanned QR code). A link
// that arrives before a page listens (the one the app was launched with, or one while the window reloads) is
// held until the page asks for it with takePairingLink; once a page has asked, links are pushed as events.
import type { PairingLink, PairingLinkEvent } from '../../preload/api'
import { FerryError } from '../protocol/error-codes'
import { parsePairingLink } from '../security/pairing-link'
import { toApiError } from './result'
import type { ServiceEvents } from './service-events'

export class PairingInbox {
  private held: PairingLink | FerryError | null = null
  private listening = false

  constructor(private readonly events: ServiceEvents) {}

  /** A link from the operating system, not yet checked. */
  receive(url: string): void {
    let link: PairingLink | FerryError
    try {
      link = parsePairingLink(url)
    } catch (err: unknown) {
      link = err instanceof FerryError ? err : new FerryError('INVALID_ARGUMENT', String(err))
    }
    if (!this.listening) {
      this.held = link
      return
    }
    const event: PairingLinkEvent =
      link instanceof FerryError ? { type: 'invalid', error: toApiError(link) } : { type: 'link', link }
    this.events.emit('pairing', event)
  }

  /** The held link, once (null when none); an invalid held link rejects with its INVALID_ARGUMENT. */
  take(): PairingLink | null {
    this.listening = true
    const held = this.held
    this.held = null
    if (held instanceof FerryError) throw held
    return held
  }

  /** The page is gone or reloading: hold links again until the next page asks. */
  detach(): void {
    this.listening = false
  }
}
