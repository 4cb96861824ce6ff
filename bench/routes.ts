/** The routes under load through the gateway and straight to the API, and a health check after. */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { requestExpecting } from '../scripts/stack';
import { load, loadInTurns, type LoadResult } from './load';
import type { BenchStack } from './stack';

const PASSWORD = 'bench password 1';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

interface Tokens {
  access_token: string;
  refresh_token: string;
}

export interface RouteResults {
  signup: LoadResult;
  signin: LoadResult;
  /** One connection: signin's latency against one bcrypt compare. */
  signinOneConnection: LoadResult;
  refresh: LoadResult;
  infoViaGateway: LoadResult;
  infoDirect: LoadResult;
  infoViaGatewayOneConnection: LoadResult;
  infoDirectOneConnection: LoadResult;
}

/** Distinct usernames per run and per request: signup consumes them. */
function usernames(): () => string {
  const run = randomBytes(3).toString('hex');
  let next = 0;
  return () => `bench-${run}-${next++}`;
}

const signUp = (stack: BenchStack, username: string) =>
  requestExpecting(`${stack.publicUrl}/api/public/signup`, { body: { username, password: PASSWORD } }, 201);

const signIn = (stack: BenchStack, username: string) =>
  requestExpecting<Tokens>(`${stack.publicUrl}/api/public/signin`, { body: { username, password: PASSWORD } }, 200);

/**
 * A few at a time: serverless-offline starts a worker (a cold start) per
 * concurrent request, and dozens at once, each hashing at the production
 * cost, would outlast the Lambda timeout.
 */
async function inBatches<T, R>(items: T[], run: (item: T) => Promise<R>, size = availableParallelism()): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

function cycle<T>(items: T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length];
}

/**
 * Users signed up for a run, three sessions each (the warm-up's and the run's
 * first requests each hold a refresh token, and those in flight when a run
 * ends are lost), and a POST to a public route at the run's settings.
 */
async function prepare(stack: BenchStack, duration: number, connections: number) {
  const nextName = usernames();
  const users = Array.from({ length: connections }, nextName);
  await inBatches(users, (username) => signUp(stack, username));
  const sessions = await inBatches([...users, ...users, ...users], (username) => signIn(stack, username));
  const post = (route: string, body: () => unknown) => ({
    url: `${stack.publicUrl}/api/public/${route}`,
    method: 'POST' as const,
    headers: JSON_HEADERS,
    setupRequest: (request: object) => ({ ...request, body: JSON.stringify(body()) }),
    duration,
    connections,
  });
  return { nextName, users, sessions, post };
}

/** Each refresh consumes its token: every connection takes one from the pool and puts back the one it is given. */
function loadRefresh(sessions: Tokens[], post: Awaited<ReturnType<typeof prepare>>['post']): Promise<LoadResult> {
  const refreshTokens = sessions.map((session) => session.refresh_token);
  return load({
    ...post('refresh', () => ({ refresh_token: refreshTokens.shift() })),
    onResponse: (status, body) => {
      if (status === 200) refreshTokens.push((JSON.parse(body) as Tokens).refresh_token);
    },
  });
}

/**
 * Drives each route through the gateway (public routes straight to the API
 * when the stack's rate limit is unknown), and info both through the gateway
 * and straight to the API, in turns, with the same token and headers.
 */
export async function benchRoutes(stack: BenchStack, duration: number, connections: number): Promise<RouteResults> {
  const { nextName, users, sessions, post } = await prepare(stack, duration, connections);
  const signup = await load(post('signup', () => ({ username: nextName(), password: PASSWORD })));

  const nextUser = cycle(users);
  const signinBody = () => ({ username: nextUser(), password: PASSWORD });
  const signin = await load(post('signin', signinBody));
  const signinOneConnection = await load({ ...post('signin', signinBody), connections: 1 });

  const refresh = await loadRefresh(sessions, post);

  // Under load the pair gives the gateway's share of the machine; at one
  // connection, its latency without queueing.
  const headers = { Authorization: `Bearer ${sessions[0].access_token}` };
  const info = (infoConnections: number) =>
    loadInTurns(
      [stack.urls.proxy, stack.urls.api].map((baseUrl) => ({
        url: `${baseUrl}/api/jwt/info`,
        headers,
        duration,
        connections: infoConnections,
      })),
    );
  const [infoViaGateway, infoDirect] = await info(connections);
  const [infoViaGatewayOneConnection, infoDirectOneConnection] = await info(1);

  return {
    signup,
    signin,
    signinOneConnection,
    refresh,
    infoViaGateway,
    infoDirect,
    infoViaGatewayOneConnection,
    infoDirectOneConnection,
  };
}

/**
 * signin, refresh and info through the gateway, each with users of their own:
 * the scale part runs them once with few users stored, once with many.
 */
export async function benchCoreRoutes(
  stack: BenchStack,
  duration: number,
  connections: number,
): Promise<{ signin: LoadResult; refresh: LoadResult; info: LoadResult }> {
  const { users, sessions, post } = await prepare(stack, duration, connections);
  const nextUser = cycle(users);
  const signin = await load(post('signin', () => ({ username: nextUser(), password: PASSWORD })));
  const refresh = await loadRefresh(sessions, post);
  const info = await load({
    url: `${stack.urls.proxy}/api/jwt/info`,
    headers: { Authorization: `Bearer ${sessions[0].access_token}` },
    duration,
    connections,
  });
  return { signin, refresh, info };
}

/** After the load: a new signin and an info call through the gateway still work. */
export async function stackStillHealthy(stack: BenchStack): Promise<boolean> {
  try {
    const username = usernames()();
    await signUp(stack, username);
    const session = await signIn(stack, username);
    const response = await fetch(`${stack.urls.proxy}/api/jwt/info`, {
      headers: { Authorization: `Bearer ${session.access_token}` },
    });
    return response.status === 200 && stack.crash() === undefined;
  } catch {
    return false;
  }
}
