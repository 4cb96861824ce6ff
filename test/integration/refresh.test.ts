import { createHash } from 'node:crypto';
import { handler as refresh } from '../../functions/public/refresh';
import { setAttribute, tokenItems } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
import { signedInUser } from '../support/users';

const refreshWith = (refresh_token: unknown) =>
  invoke(refresh, apiEvent('POST', '/api/public/refresh', { body: { refresh_token } }));

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

  it('treats a consumed token presented again as theft and revokes the whole family', async () => {
    const { tokens } = await signedInUser();
    const rotated = await refreshWith(tokens.refresh_token);
    expect(rotated.status).toBe(200);

    expect(await refreshWith(tokens.refresh_token)).toMatchObject(INVALID);
    // The thief's copy is dead, and so is every token that descends from it.
    expect(await refreshWith(rotated.body.refresh_token)).toMatchObject(INVALID);
  });

  it('lets exactly one of many concurrent refreshes with one token succeed', async () => {
    const { tokens } = await signedInUser();
    const responses = await Promise.all(Array.from({ length: 10 }, () => refreshWith(tokens.refresh_token)));

    expect(responses.map((response) => response.status).sort()).toEqual([200, ...Array(9).fill(401)]);
  });

  it('refuses an expired token', async () => {
    const { tokens } = await signedInUser();
    const hash = createHash('sha256').update(tokens.refresh_token).digest('hex');
    await setAttribute('tokens', { id: `rt#${hash}` }, 'expiresAt', Math.floor(Date.now() / 1000) - 1);

    expect(await refreshWith(tokens.refresh_token)).toMatchObject(INVALID);
  });

  it('refuses unknown and malformed tokens', async () => {
    expect(await refreshWith('A'.repeat(43))).toMatchObject(INVALID);
    expect(await refreshWith('../../etc/passwd')).toMatchObject(INVALID);
    expect(await refreshWith(42)).toMatchObject({ status: 400, body: { message: 'refresh_token: must be a string' } });
    expect(await refreshWith('')).toMatchObject({ status: 400, body: { message: 'refresh_token: is required' } });
  });
});
