import { authenticateCaller } from '../../lib/composition/caller';
import { passkeyChange } from '../../lib/composition/passkey-changes';
import { AppError } from '../../lib/platform/errors';
import { json, route } from '../../lib/platform/http';

/** GET /api/jwt/passkeys → 200 {"passkeys": [{id, name, created_at, last_used_at, synced}]}: never a public key. */
export const handler = route(async (event) => {
  // Kong routes the path as a prefix: /api/jwt/passkeys/anything is no list.
  if ((event.path ?? '').replace(/\/$/, '') !== '/api/jwt/passkeys') throw new AppError('not_found');
  const caller = await authenticateCaller(event);
  return json(200, { passkeys: await passkeyChange.list(caller) });
});
