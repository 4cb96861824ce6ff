// Small helpers the whole gateway shares.

/** The Kong release the gateway answers as (Admin API, Server and Via headers). */
export const KONG_VERSION = '3.9.3';

/** Kong keeps entity timestamps and token times in whole seconds. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);
