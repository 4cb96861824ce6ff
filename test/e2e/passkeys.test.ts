/** Passwordless sign-in with a passkey through the gateway (Kong route, IAM grants): tokens with amr hwk, user, mfa; the challenge works once. */
import { randomInt } from 'node:crypto';
import { DynamoDBPasskeyStore } from '../../lib/passkeys/dynamodb-store';
import { Passkeys } from '../../lib/passkeys/passkeys';
import { config } from '../../lib/platform/config';
import { dynamodb } from '../../lib/platform/dynamodb';
import { SoftwareAuthenticator } from '../unit/support/software-authenticator';
import { storedUser } from '../support/clients';
import { client } from '../support/flow';
import { requestFrom, type Send } from '../support/http';

const PROXY = process.env.PROXY_URL!;
const loopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

it('signs in without a password through the gateway, once per challenge', async () => {
  const send: Send = requestFrom(loopback());
  const { username } = await client(PROXY, send).newSession('passkey');
  const stored = await storedUser(username);
  const account = { id: (stored!.accountId ?? username) as string, username };
  // Registered directly (its routes are not built yet), with the relying party the functions use.
  const passkeys = new Passkeys(new DynamoDBPasskeyStore(dynamodb(), config.tokensTable), config.passkeys);
  const origin = config.passkeys.origins[0];
  const authenticator = new SoftwareAuthenticator({ counter: 1 });
  await passkeys.register(account, authenticator.register(await passkeys.registrationOptions(account), origin) as never);

  const options = await send(`${PROXY}/api/public/passkey/options`, { method: 'POST' });
  expect(options.status).toBe(200);
  const assertion = authenticator.assert(options.body as { challenge: string; rpId: string }, origin);
  const signedIn = await send(`${PROXY}/api/public/passkey/verify`, { method: 'POST', body: { response: assertion } });
  expect(signedIn.status).toBe(200);
  expect(claimsOf((signedIn.body as { access_token: string }).access_token)).toMatchObject({ sub: username, amr: ['hwk', 'user', 'mfa'] });
  const replayed = await send(`${PROXY}/api/public/passkey/verify`, { method: 'POST', body: { response: assertion } });
  expect(replayed).toMatchObject({ status: 401, body: { code: 'invalid_passkey' } });
});
