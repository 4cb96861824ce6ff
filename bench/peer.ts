/**
 * A peer measured side by side with us, in the same run on the same machine:
 * better-auth (peer-child.ts), per request as work-child.ts measures our
 * handlers: CPU medians, sign-in beyond its password hash, a session check,
 * a token issue, and the database statements each makes.
 */
import path from 'node:path';
import { BenchChild } from './child';

export interface PeerOperation {
  /** Database statements the request made, and the adapter calls behind them, e.g. "findOne session + user" (a join: 2). */
  statements: number;
  operations: string[];
  /** ES256 signatures it made (WebCrypto sign calls). */
  signatures: number;
  /** Median process CPU per request, and median duration. */
  cpuMs: number;
  wallMs: number;
  samples: number;
}

export interface PeerSignIn extends PeerOperation {
  /** Median CPU of the password hash, timed inside each sign-in. */
  hashCpuMs: number;
  /** Median over requests of (request CPU - its hash's CPU). */
  beyondHashCpuMs: number;
}

export interface PeerHash {
  algorithm: string;
  N: number;
  r: number;
  p: number;
  keyLength: number;
  implementation: string;
  /** The module the parameters were read from. */
  module: string;
}

export interface PeerReply {
  name: string;
  version: string;
  adapter: string;
  plugins: string[];
  hash: PeerHash;
  /** auth.api.signInEmail */
  signIn: PeerSignIn;
  /** auth.api.getSession with a bearer token */
  session: PeerOperation;
  /** auth.api.getToken (the jwt plugin's token endpoint) with a bearer token */
  token: PeerOperation;
}

/** better-auth in a process of its own; `samples` requests per operation, as our work part. */
export async function measurePeer(samples: number, cpuProfileDir?: string): Promise<PeerReply> {
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(cpuProfileDir, 'peer')] : [];
  const child = new BenchChild(path.join(__dirname, 'peer-child.ts'), { BENCH_WORK_SAMPLES: String(samples) }, profile);
  try {
    const reply = await child.next<{ peer?: PeerReply; error?: string }>();
    if (!reply.peer) throw new Error(`measuring the peer (better-auth) failed: ${reply.error}`);
    return reply.peer;
  } finally {
    await child.stop();
  }
}
