import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device tokens (OWASP, "Slow Down Online Guessing Attacks with Device
 * Cookies"; docs/device-tokens.md): a client that signed in successfully as a
 * user gets one, and presents it at that user's next sign-in to have its
 * attempts counted on a lane of their own, apart from everyone else's: the
 * backoff others' wrong guesses build up on the username does not hold it off.
 *
 *   d1.<nonce>.<issuedAt>.<mac>
 *
 * - nonce: 16 random bytes, base64url; the device's lane in the attempts
 *   table (`device#<nonce>`), where its own failures build its own backoff;
 * - issuedAt: seconds since the epoch, in decimal; a token lives ttlSeconds;
 * - mac: HMAC-SHA256 under DEVICE_TOKEN_SECRET over the version, the
 *   username, the nonce, issuedAt, and the user's sign-out epoch
 *   (lib/sign-out-epoch) when it was issued.
 *
 * Neither the username nor the epoch is in the token: they are in the MAC
 * only, so the token names nobody and says nothing of the account's history,
 * yet is good for that one user alone (the client sends the username beside
 * it). Raising the epoch (sign-out everywhere, a password change) makes every
 * earlier token of that user fail to verify: revocation with no list to keep.
 * HMAC, not the service's signing keys: nobody but this service ever checks a
 * device token, so a symmetric key is enough, costs no KMS call per sign-in,
 * and can be rotated on its own (every device token then simply stops
 * counting, and each client gets a new one at its next sign-in).
 */
export interface DeviceTokenOptions {
  /** DEVICE_TOKEN_SECRET: at least 32 characters, server-side only. */
  secret: string;
  ttlSeconds: number;
  /** The user's current sign-out epoch (0 when never raised). */
  epoch: (username: string) => Promise<number>;
  clock?: () => number;
}

/** A device token that verified for the user: the key its attempts are counted under. */
export interface Device {
  lane: string;
}

const VERSION = 'd1';
const FORMAT = /^d1\.([A-Za-z0-9_-]{22})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;
/** Clocks of different functions may disagree a little; a token from further ahead than this is refused. */
const SKEW_SECONDS = 60;

export class DeviceTokens {
  private readonly clock: () => number;

  constructor(private readonly options: DeviceTokenOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** A new token for a client that has just proven the user's password. */
  async issue(username: string): Promise<string> {
    const nonce = randomBytes(16).toString('base64url');
    const issuedAt = Math.floor(this.clock() / 1000);
    const epoch = await this.options.epoch(username);
    return `${VERSION}.${nonce}.${issuedAt}.${this.mac(username, nonce, issuedAt, epoch)}`;
  }

  /**
   * The device's lane if `token` is a live token issued to `username` since
   * the user last raised the epoch; undefined otherwise (absent, malformed,
   * forged, another user's, expired, revoked): such a client is counted as
   * any other, on the username's lane.
   */
  async verify(token: string | undefined, username: string): Promise<Device | undefined> {
    const parts = token ? FORMAT.exec(token) : null;
    if (!parts) return undefined;
    const [, nonce, issued, mac] = parts;
    const issuedAt = Number(issued);
    const now = Math.floor(this.clock() / 1000);
    if (issuedAt > now + SKEW_SECONDS || now - issuedAt >= this.options.ttlSeconds) return undefined;
    const expected = Buffer.from(this.mac(username, nonce, issuedAt, await this.options.epoch(username)), 'base64url');
    const presented = Buffer.from(mac, 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
    return { lane: `device#${nonce}` };
  }

  private mac(username: string, nonce: string, issuedAt: number, epoch: number): string {
    return createHmac('sha256', this.options.secret).update(`${VERSION}\n${username}\n${nonce}\n${issuedAt}\n${epoch}`).digest('base64url');
  }
}
