import { authenticateCaller } from '../../lib/composition/caller';
import { passkeyChange } from '../../lib/composition/passkey-changes';
import { passkeyRenameBody } from '../../lib/passkeys/schemas';
import { AppError } from '../../lib/platform/errors';
import { clientOf, json, readBody, route, validate } from '../../lib/platform/http';
import { presentedCodeBody } from '../../lib/second-factors/schemas';

const PREFIX = '/api/jwt/passkeys/';

/** The credential id a path ends with (base64url): Kong routes the prefix and hands over the whole path. */
function credentialIdIn(path: string): string {
  const id = path.startsWith(PREFIX) ? path.slice(PREFIX.length).replace(/\/$/, '') : '';
  return /^[A-Za-z0-9_-]{1,1400}$/.test(id) ? id : '';
}

/**
 * PATCH /api/jwt/passkeys/{id} {"name"} → 200 renamed.
 * DELETE /api/jwt/passkeys/{id} {"code" | "recovery_code"}? → 200 removed: a step-up change (a code, or a recent second factor in the session).
 * Only the caller's own passkeys: any other id is 404.
 */
export const handler = route(async (event) => {
  const caller = await authenticateCaller(event);
  const id = credentialIdIn(event.path ?? '');
  if (event.httpMethod === 'DELETE') {
    const { code, recovery_code } = validate(presentedCodeBody, event.body ? readBody(event) : {});
    if (!id) throw new AppError('not_found');
    await passkeyChange.remove(caller, id, { code, recovery_code }, clientOf(event));
    return json(200, { message: 'Passkey removed' });
  }
  const { name } = validate(passkeyRenameBody, readBody(event));
  if (!id) throw new AppError('not_found');
  await passkeyChange.rename(caller, id, name);
  return json(200, { message: 'Passkey renamed' });
});
