// Generated access tokens: 20 characters from 32 symbols without look-alikes (no 0, 1, l, o), in groups of 5 so
// they can be read out or typed: 100 bits, far beyond guessing at the server's rate limit.
const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyz'
const LENGTH = 20

export function generateAccessToken(
  random: (count: number) => Uint8Array = (count) => crypto.getRandomValues(new Uint8Array(count)),
): string {
  let out = ''
  while (out.length < LENGTH) {
    for (const byte of random(LENGTH * 2)) {
      // Rejection sampling keeps every symbol equally likely should the alphabet stop dividing 256.
      if (byte < 256 - (256 % ALPHABET.length) && out.length < LENGTH) out += ALPHABET[byte % ALPHABET.length]
    }
  }
  return out.match(/.{5}/g)!.join('-')
}
