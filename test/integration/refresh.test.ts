import { createHash } from 'node:crypto';
import { handler as refresh } from '../../functions/public/refresh';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { handler as infoHandler } from '../../functions/protected/info';
import { handler as signup } from '../../functions/public/signup';
import { db, PASSWORD, setAttribute, tokenItems } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
import { signedInUser } from '../support/users';

const refreshWith = (refresh_token: unknown) =>
  invoke(refresh, apiEvent('POST', '/api/public/refresh', { body: { refresh_token } }));

/** The session item a chained refresh token (r1.<session>.<generation>.<username>.<secret>) lives on. */
const sessionOf = (refreshToken: string) => ({ id: `session#${refreshToken.split('.')[1]}` });

const INVALID = { status: 401, body: { message: 'Invalid or expired refresh token' } };

describe('refresh', () => {
  it('rotates: new tokens, the old refresh token consumed, the absolute expiry kept', async () => {
    const { username, tokens } = await signedInUser();
    const first = await refreshWith(tokens.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(first.body.access_token).not.toBe(tokens.access_token);
    expect(first.body.refresh_expires_in).toBeLessThanOrEqual(tokens.refresh_expires_in);

    const items = await tokenItems({ username });
    const expiries = new Set(items.map((item) => item.expiresAt));
    expect(expiries.size).toBe(1);

    const second = await refreshWith(first.body.refresh_token);
    expect(second.status).toBe(200);
  });

  it('treats a consumed token presented after its successor was used as theft, and revokes the whole session', async () => {
    const { tokens } = await signedInUser();
    const rotated = await refreshWith(tokens.refresh_token);
    expect(rotated.status).toBe(200);
    const next = await refreshWith(rotated.body.refresh_token);
    expect(next.status).toBe(200);

    expect(await refreshWith(tokens.refresh_token)).toMatchObject({ ...INVALID, body: { code: 'invalid_grant' } });
    // The thief's copy is dead, and so is every token that descends from it.
    expect(await refreshWith(next.body.refresh_token)).toMatchObject(INVALID);
  });

  it('refreshes with one conditional write on the session item: no refresh-token items, the chain on the session (issue 27)', async () => {
    const { username, tokens } = await signedInUser();
    const rotated = await refreshWith(tokens.refresh_token);
    const items = await tokenItems({ username });
    expect(items.filter((item) => String(item.id).startsWith('rt#'))).toEqual([]);
    const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
    const [, sid] = tokens.refresh_token.split('.');
    expect(items.find((item) => item.id === `session#${sid}`)).toMatchObject({
      refreshHash: `1.${hash(rotated.body.refresh_token)}`,
      previousHash: `0.${hash(tokens.refresh_token)}`,
      previousConsumedAt: expect.any(Number),
    });
  });

  it('revokes the session when a token older than the previous one comes back, but not for a made-up token naming the session', async () => {
    const { tokens } = await signedInUser();
    const second = await refreshWith(tokens.refresh_token);
    const third = await refreshWith(second.body.refresh_token);
    const fourth = await refreshWith(third.body.refresh_token);
    expect(fourth.status).toBe(200);
    // The session id is every access token's sid: knowing it must not let anyone end the session.
    const [prefix, sid, , owner] = tokens.refresh_token.split('.');
    expect(await refreshWith(`${prefix}.${sid}.0.${owner}.${'A'.repeat(43)}`)).toMatchObject(INVALID);
    expect(await refreshWith(`${prefix}.${sid}.1.${owner}.${'A'.repeat(43)}`)).toMatchObject(INVALID);
    expect((await refreshWith(fourth.body.refresh_token)).status).toBe(200);
    // The first token, three generations back, is genuine: theft, and the whole session ends.
    const fifth = await refreshWith(fourth.body.refresh_token);
    expect(await refreshWith(tokens.refresh_token)).toMatchObject(INVALID);
    expect(await refreshWith(fifth.body.refresh_token)).toMatchObject(INVALID);
  });

  it('answers a refresh repeated within the grace (its first answer lost) with the same successor, not a revoked session', async () => {
    const { tokens } = await signedInUser();
    const lost = await refreshWith(tokens.refresh_token);
    const repeated = await refreshWith(tokens.refresh_token);
    expect(repeated.status).toBe(200);
    expect(repeated.body.refresh_token).toBe(lost.body.refresh_token);
    expect((await refreshWith(repeated.body.refresh_token)).status).toBe(200);
  });

  it('refuses a repeat once the grace is over, and revokes the session', async () => {
    const { tokens } = await signedInUser();
    const rotated = await refreshWith(tokens.refresh_token);
    await setAttribute('tokens', sessionOf(tokens.refresh_token), 'previousConsumedAt', Math.floor(Date.now() / 1000) - 3600);

    expect(await refreshWith(tokens.refresh_token)).toMatchObject(INVALID);
    expect(await refreshWith(rotated.body.refresh_token)).toMatchObject(INVALID);
  });

  it('gives many concurrent refreshes with one token the one successor', async () => {
    const { tokens } = await signedInUser();
    const responses = await Promise.all(Array.from({ length: 10 }, () => refreshWith(tokens.refresh_token)));

    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((response) => response.body.refresh_token)).size).toBe(1);
    expect((await refreshWith(responses[0].body.refresh_token)).status).toBe(200);
  });

  it('gives a session nothing once its account is gone, even if a new account takes the name', async () => {
    const { username, tokens } = await signedInUser();
    await db.send(new DeleteCommand({ TableName: process.env.USERS_TABLE, Key: { username } }));
    expect(await refreshWith(tokens.refresh_token)).toMatchObject(INVALID);

    expect((await invoke(signup, apiEvent('POST', '/api/public/signup', { body: { username, password: PASSWORD } }))).status).toBe(201);
    expect(await refreshWith(tokens.refresh_token)).toMatchObject(INVALID);
    const info = await invoke(infoHandler, apiEvent('GET', '/api/jwt/info', { headers: { Authorization: `Bearer ${tokens.access_token}` } }));
    expect(info.status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const { tokens } = await signedInUser();
    await setAttribute('tokens', sessionOf(tokens.refresh_token), 'expiresAt', Math.floor(Date.now() / 1000) - 1);

    expect(await refreshWith(tokens.refresh_token)).toMatchObject(INVALID);
  });

  it('refuses unknown and malformed tokens', async () => {
    expect(await refreshWith('A'.repeat(43))).toMatchObject(INVALID);
    expect(await refreshWith('../../etc/passwd')).toMatchObject(INVALID);
    expect(await refreshWith(42)).toMatchObject({ status: 400, body: { message: 'refresh_token: must be a string' } });
    expect(await refreshWith('')).toMatchObject({ status: 400, body: { message: 'refresh_token: is required' } });
  });
});
