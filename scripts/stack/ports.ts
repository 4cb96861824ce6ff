/** The stack's ports, the settings that change them, and checks that they are free. */
import { createServer, type Server } from 'node:net';
import { integerFromEnv } from './env';

export interface StackPorts {
  proxy: number;
  admin: number;
  api: number;
  lambda: number;
  dynamodb: number;
  /** maildev's SMTP server, and its web UI and REST API. */
  maildevSmtp: number;
  maildevWeb: number;
}

export const DEFAULT_PORTS: StackPorts = { proxy: 8000, admin: 8001, api: 4000, lambda: 4002, dynamodb: 8100, maildevSmtp: 1025, maildevWeb: 1080 };

export const PORT_ENV_VARS: Record<keyof StackPorts, string> = {
  proxy: 'KONG_PROXY_PORT',
  admin: 'KONG_ADMIN_PORT',
  api: 'API_PORT',
  lambda: 'LAMBDA_PORT',
  dynamodb: 'DYNAMODB_PORT',
  maildevSmtp: 'MAILDEV_SMTP_PORT',
  maildevWeb: 'MAILDEV_WEB_PORT',
};

/** Ports from `<prefix>KONG_PROXY_PORT` etc., falling back to `defaults`. */
export function portsFromEnv(defaults: StackPorts, prefix = ''): StackPorts {
  const entries = Object.entries(PORT_ENV_VARS).map(([key, envVar]) => [
    key,
    integerFromEnv(prefix + envVar, defaults[key as keyof StackPorts], { min: 1, max: 65535 }),
  ]);
  return Object.fromEntries(entries) as StackPorts;
}

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Fails with a message naming the setting to change when something already
 * listens on `port`. Binding the wildcard address also collides with a
 * listener on 127.0.0.1, so one check covers both.
 */
export async function assertPortFree(port: number, envVar: string): Promise<void> {
  try {
    await close(await listen(port, '0.0.0.0'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(`port ${port} is already in use: stop what is using it, or set ${envVar} to a free port`);
  }
}

/** `count` distinct ports the system considers free right now. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listen(0, '127.0.0.1')));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map(close));
  return ports;
}
