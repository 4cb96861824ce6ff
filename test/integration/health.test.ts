/**
 * The health check in-process against DynamoDB Local and the gateway's Admin
 * API, and against dependencies that refuse, hang or report trouble: real
 * sockets, real timeouts, real aborts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { handler } from '../../functions/public/health';
import { HealthCheck, type Probe } from '../../lib/health';
import { KongAdminClient } from '../../lib/kong/admin-client';
import { config } from '../../lib/platform/config';
import { dynamodb, probeTable } from '../../lib/platform/dynamodb';
import { apiEvent, invoke } from '../support/events';

const TIMEOUT_MS = 500;
const ABSENT = { username: '#health' };

const realDynamodb: Probe = (signal) => probeTable(dynamodb(), config.usersTable, ABSENT, signal);
const kongAt = (url: string): Probe => (signal) => new KongAdminClient(url, 5000).checkStatus(signal);
const dynamodbAt = (endpoint: string): Probe => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, maxAttempts: 1 }));
  return (signal) => probeTable(client, config.usersTable, ABSENT, signal);
};

/** Servers a test stands up as a failing dependency; closed after each test. */
const servers: net.Server[] = [];
async function listen(server: net.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
/** Every connection the test servers took: dropped after each test, so that they close. */
const sockets = new Set<net.Socket>();
/** Accepts connections and never answers. */
const silent = () => net.createServer((socket) => void sockets.add(socket));
/** A port nothing listens on: one that was just free. */
async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
afterEach(async () => {
  sockets.forEach((socket) => socket.destroy());
  sockets.clear();
  for (const server of servers.splice(0)) {
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

it('answers 200 {"status":"ok"}, never cached, while DynamoDB and the Admin API answer', async () => {
  const response = await invoke(handler, apiEvent('GET', '/api/public/health'));
  expect(response).toEqual({ status: 200, headers: expect.objectContaining({ 'Cache-Control': 'no-store' }), body: { status: 'ok' } });
});

it('reads the users table without finding anything', async () => {
  await expect(probeTable(dynamodb(), config.usersTable, ABSENT)).resolves.toBeUndefined();
});

it('names kong when the Admin API refuses connections', async () => {
  const check = new HealthCheck({ dynamodb: realDynamodb, kong: kongAt(await closedPort()) }, TIMEOUT_MS);
  expect(await check.check()).toEqual({ failed: ['kong'] });
});

it('names kong when the Admin API takes connections and never answers', async () => {
  const check = new HealthCheck({ dynamodb: realDynamodb, kong: kongAt(await listen(silent())) }, TIMEOUT_MS);
  expect(await check.check()).toEqual({ failed: ['kong'] });
});

it('names kong when Kong answers but cannot reach its own database', async () => {
  const kong = http.createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"database":{"reachable":false}}'));
  const check = new HealthCheck({ dynamodb: realDynamodb, kong: kongAt(await listen(kong)) }, TIMEOUT_MS);
  expect(await check.check()).toEqual({ failed: ['kong'] });
});

it('names dynamodb when DynamoDB takes connections and never answers, and both when neither answers', async () => {
  const endpoint = await listen(silent());
  expect(await new HealthCheck({ dynamodb: dynamodbAt(endpoint), kong: kongAt(process.env.KONG_ADMIN_URL!) }, TIMEOUT_MS).check()).toEqual({ failed: ['dynamodb'] });
  expect(await new HealthCheck({ dynamodb: dynamodbAt(endpoint), kong: kongAt(await closedPort()) }, TIMEOUT_MS).check()).toEqual({ failed: ['dynamodb', 'kong'] });
});
