import { rotateKeys } from '../../lib/composition/key-rotation';
import { nowSeconds } from '../../lib/platform/clock';
import { log } from '../../lib/platform/log';

/**
 * On a schedule (serverless.yml): moves the signing keys along their
 * timeline (lib/keys/rotation.ts). `{"rotate": true}` (serverless invoke
 * --data) also starts a rotation now; the timeline's waits apply all the
 * same. The time is always its own clock's, never the event's.
 */
export const handler = async (event: { rotate?: unknown } | null) => {
  const report = await rotateKeys().advance(nowSeconds(), { rotateNow: event?.rotate === true });
  log.info('key rotation ran', { changes: report.changes, keys: report.keys });
  return report;
};
