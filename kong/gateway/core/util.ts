// Small helpers the whole gateway shares.
import { randomBytes } from 'node:crypto';

/** The Kong release the gateway answers as (Admin API, Server and Via headers). */
export const KONG_VERSION = '3.9.3';

/** Kong keeps entity timestamps and token times in whole seconds. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** Random bytes drawn in batches: one request id each, and the proxy makes one per request. */
let idBytes = Buffer.alloc(0);
let idOffset = 0;

/** A request id as Kong makes them (X-Kong-Request-Id): 16 random bytes in 32 hex digits. */
export function newRequestId(): string {
  if (idOffset + 16 > idBytes.length) {
    idBytes = randomBytes(16 * 256);
    idOffset = 0;
  }
  idOffset += 16;
  return idBytes.toString('hex', idOffset - 16, idOffset);
}
