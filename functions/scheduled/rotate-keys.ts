import { rotateKeys } from '../../lib/flows/rotate-keys';
import { nowSeconds } from '../../lib/platform/clock';
import { log } from '../../lib/platform/log';

/**
 * On a schedule (serverless.yml): moves the signing keys along their
 * timeline (lib/keys/rotation.ts). Its event carries nothing it reads: the
 * time is its own clock's.
 */
export const handler = async () => {
  const report = await rotateKeys().advance(nowSeconds());
  log.info('key rotation ran', { changes: report.changes, keys: report.keys });
  return report;
};
