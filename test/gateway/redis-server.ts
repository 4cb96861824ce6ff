/**
 * A Redis server of the test's own (Debian's redis-server), started on a free
 * port (or the given one), with nothing saved to disk, and stopped after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import Redis from 'ioredis';

export interface RedisServer {
  port: number;
  /** A client for the test to look at (and change) the counts. */
  client: Redis;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `bind`: where it listens (127.0.0.1; a gateway in a container may need another address). */
export async function startRedis(port?: number, bind = '127.0.0.1'): Promise<RedisServer> {
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn('redis-server', [
    '--port', String(chosen), '--bind', bind, '--save', '', '--appendonly', 'no', '--protected-mode', 'no',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('error', (err) => reject(new Error(`cannot start redis-server (apt-get install redis-server): ${err.message}`)));
    void exited.then(() => reject(new Error(`redis-server exited: ${output}`)));
  });
  const client = new Redis({ host: '127.0.0.1', port: chosen, lazyConnect: true });
  await client.connect();
  return {
    port: chosen,
    client,
    close: async () => {
      client.disconnect();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
