/** Passkeys against DynamoDB Local: the store's conditional writes, and the passwordless sign-in handler (single-use challenge, counter, erasure). */
import { handler as passkeySignin } from '../../functions/public/passkey-signin';
import { handler as signup } from '../../functions/public/signup';
import { DynamoDBPasskeyStore } from '../../lib/passkeys/dynamodb-store';
import { Passkeys } from '../../lib/passkeys/passkeys';
import { config } from '../../lib/platform/config';
import { dynamodb } from '../../lib/platform/dynamodb';
import { SoftwareAuthenticator } from '../unit/support/software-authenticator';
import { PASSWORD, storedUser, uniqueName } from '../support/clients';
import { apiEvent, invoke } from '../support/events';

const store = new DynamoDBPasskeyStore(dynamodb(), config.tokensTable);
const passkeys = new Passkeys(store, config.passkeys);
const origin = config.passkeys.origins[0];

async function withPasskey() {
  const username = uniqueName('passkey');
  expect((await invoke(signup, apiEvent('POST', '/api/public/signup', { body: { username, password: PASSWORD } }))).status).toBe(201);
  const stored = await storedUser(username);
  const account = { id: (stored!.accountId ?? username) as string, username };
  const authenticator = new SoftwareAuthenticator({ counter: 1 });
  await passkeys.register(account, authenticator.register(await passkeys.registrationOptions(account), origin) as never, 'Laptop');
  return { account, authenticator };
}

const options = async () => (await invoke(passkeySignin, apiEvent('POST', '/api/public/passkey/options'))).body as { challenge: string; rpId: string };
const verify = (response: unknown) => invoke(passkeySignin, apiEvent('POST', '/api/public/passkey/verify', { body: { response } }));

it('signs in without a password once per challenge, and the counter only moves forward', async () => {
  const { authenticator } = await withPasskey();
  const assertion = authenticator.assert(await options(), origin);
  const signedIn = await verify(assertion);
  expect(signedIn.status).toBe(200);
  expect(signedIn.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), device_token: expect.any(String) });
  expect((await verify(assertion)).body).toMatchObject({ code: 'invalid_passkey' });
  authenticator.counter -= 1;
  expect((await verify(authenticator.assert(await options(), origin))).body).toMatchObject({ code: 'invalid_passkey' });
});

it('lists, renames and erases an account passkeys; a malformed response is a 400', async () => {
  const { account, authenticator } = await withPasskey();
  const [listed] = await passkeys.list(account.id);
  expect(listed).toMatchObject({ name: 'Laptop' });
  await passkeys.rename(account.id, listed.id, 'Phone');
  expect((await passkeys.list(account.id))[0].name).toBe('Phone');
  await store.erase(account.id);
  expect(await passkeys.list(account.id)).toEqual([]);
  expect((await verify(authenticator.assert(await options(), origin))).body).toMatchObject({ code: 'invalid_passkey' });
  expect((await verify({ id: 'x' })).status).toBe(400);
});
