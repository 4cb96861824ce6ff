// otpauth, not hand-written HOTP/TOTP: zero dependencies (node:crypto underneath), an exact
// RFC 4226/6238 implementation with their test vectors, and actively maintained; otplib's v12
// is unmaintained and pulls in several packages, @oslojs/otp is ESM-only (ts-jest runs CommonJS).
import { Secret, TOTP } from 'otpauth';

/** RFC 6238's defaults, the only ones every authenticator app reads: HMAC-SHA-1, 30-second steps, 6 digits. */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
const ALGORITHM = 'SHA1';
/** RFC 6238 §5.2: one step either side of the current one, for clock drift and typing time. */
export const TOTP_WINDOW = 1;
/** RFC 4226 §4 asks for at least 128 bits of shared secret and recommends 160: 20 bytes. */
const SECRET_BYTES = 20;

/** A six-digit code, and nothing that only looks like one (spaces are what apps show between groups). */
export const normalizeCode = (code: string): string | undefined => {
  const digits = code.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
};

/** A new shared secret, base32 as authenticator apps take it. */
export const newTotpSecret = (): string => new Secret({ size: SECRET_BYTES }).base32;

const totpOf = (secret: string, issuer = '', label = '') =>
  new TOTP({ issuer, label, algorithm: ALGORITHM, digits: DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** The Key Uri Format (otpauth://totp/Issuer:label?secret=…&issuer=…) that QR codes carry. */
export const otpauthUri = (secret: string, issuer: string, label: string): string => totpOf(secret, issuer, label).toString();

/**
 * The time step `code` is right for, within one step of `nowMs`, or
 * undefined. The step, not a yes/no: the caller refuses any step not after
 * the last one used (replay, RFC 6238 §5.2).
 */
export function matchingStep(secret: string, code: string, nowMs: number): number | undefined {
  const digits = normalizeCode(code);
  if (!digits) return undefined;
  const totp = totpOf(secret);
  const delta = totp.validate({ token: digits, timestamp: nowMs, window: TOTP_WINDOW });
  if (delta === null) return undefined;
  return totp.counter({ timestamp: nowMs }) + delta;
}

/** The code for a moment (tests and the stand-in authenticator only). */
export const codeAt = (secret: string, nowMs: number): string => totpOf(secret).generate({ timestamp: nowMs });
