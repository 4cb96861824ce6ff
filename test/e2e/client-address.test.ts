/**
 * Behind a load balancer Kong trusts (the suite's stack: trusted_ips
 * 127.0.0.2 and 127.0.2.0/24, real_ip_header X-Forwarded-For, recursive; the
 * functions get the same list as TRUSTED_PROXIES), each client is its own
 * address: Kong's aws-lambda plugin hands the functions the balancer's
 * address (the TCP peer), and they read the client from the balancer's
 * X-Forwarded-For. Without that, one sprayer behind the balancer blocks
 * everyone behind it, and the session list shows the balancer.
 */
import { randomInt } from 'node:crypto';
import { uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { requestFrom } from '../support/http';
import { TEST_BALANCER_ADDRESS } from '../support/stack';

/** A documentation-range address (RFC 5737), a new one per client. */
const publicAddress = () => `${['192.0.2', '198.51.100', '203.0.113'][randomInt(3)]}.${randomInt(1, 255)}`;

/**
 * A client behind the balancer: the balancer connects from its own address
 * and appends the client's to whatever X-Forwarded-For the client sent.
 */
const behindBalancer = (address: string, { claimed, via = [] }: { claimed?: string; via?: string[] } = {}) =>
  client(process.env.PROXY_URL!, (url, init = {}) =>
    requestFrom(TEST_BALANCER_ADDRESS)(url, {
      ...init,
      headers: { ...init.headers, 'X-Forwarded-For': [...(claimed ? [claimed] : []), address, ...via].join(', ') },
    }),
  );

const TOO_MANY = { status: 429, body: { code: 'too_many_attempts' } };

describe('the client address behind a trusted load balancer', () => {
  it('blocks a sprayer behind the balancer, and not another client behind the same balancer', async () => {
    const sprayerAddress = publicAddress();
    // Whatever it claims to the left of what the balancer appends counts for nothing.
    const sprayer = behindBalancer(sprayerAddress, { claimed: publicAddress() });
    for (let i = 0; i < 30; i++) expect((await sprayer.signin(uniqueName('sprayed'), 'Summer2024!')).status).toBe(401);
    expect(await sprayer.signin(uniqueName('sprayed'), 'Summer2024!')).toMatchObject(TOO_MANY);
    // Still the sprayer, through a second trusted hop.
    expect(await behindBalancer(sprayerAddress, { via: ['127.0.2.7'] }).signup(uniqueName('new'))).toMatchObject(TOO_MANY);

    let other = publicAddress();
    while (other === sprayerAddress) other = publicAddress();
    // Another client, even one claiming to be the sprayer, is itself.
    expect((await behindBalancer(other, { claimed: sprayerAddress }).signup(uniqueName('new'))).status).toBe(201);
    expect((await behindBalancer(publicAddress()).signup(uniqueName('new'))).status).toBe(201);
  });

  it('lists sessions with the real client address, not the balancer', async () => {
    const address = publicAddress();
    const me = behindBalancer(address, { claimed: '10.11.12.13' });
    const { tokens } = await me.newSession('behind');
    const listed = await me.sessions(tokens.access_token);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ current: true, client_address: address })]);
  });

  it('believes no X-Forwarded-For from a client that is not the balancer', async () => {
    const direct = `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const claimer = client(process.env.PROXY_URL!, (url, init = {}) =>
      requestFrom(direct)(url, { ...init, headers: { ...init.headers, 'X-Forwarded-For': publicAddress() } }),
    );
    const { tokens } = await claimer.newSession('direct');
    expect((await claimer.sessions(tokens.access_token)).body).toEqual([expect.objectContaining({ client_address: direct })]);
  });
});
