/**
 * What each route makes and burns per request, measured on its handler
 * in-process (work-child.ts): the CPU and duration Lambda bills, the read and
 * write units DynamoDB bills, the Kong Admin API calls and the signatures
 * (KMS Sign requests when KMS holds the keys).
 */
import path from 'node:path';
import { BenchChild } from './child';

export interface RouteWork {
  /** HTTP requests the handler made, e.g. "dynamodb BatchGetItem", "kong GET /consumers/{id}/jwt/{id}". */
  total: number;
  dynamodb: number;
  kongAdmin: number;
  calls: string[];
  /** The DynamoDB operations the handler asked for, with their tables, e.g. "BatchGet users+tokens". */
  operations: string[];
  /** Read and write request units, as DynamoDB (Local) reports them with ReturnConsumedCapacity: TOTAL. */
  readUnits: number;
  writeUnits: number;
  /** DynamoDB calls that reported no capacity (none expected; the units above would then be short). */
  unreportedCapacity: number;
  /**
   * Transactions counted by DynamoDB's published rule (2 units per item of up to
   * 1 KB written, 4 KB checked), which DynamoDB Local under-reports.
   */
  transactionsByRule: number;
  /** ES256/RS256 signatures made: one KMS Sign request each when the keys are in KMS. */
  signatures: number;
  /** Median process CPU per request, and median duration (DynamoDB Local's latency included). */
  cpuMs: number;
  wallMs: number;
  samples: number;
}

export interface SigningCost {
  tokens: number;
  /** CPU per access token, in microseconds. */
  es256PreparedKeyUs: number;
  es256PemPerTokenUs: number;
  hs256PreparedKeyUs: number;
}

export interface WorkReply {
  algorithm: string;
  bcryptCost: number;
  routes: Record<string, RouteWork>;
  /** CPU of one bcrypt compare at bcryptCost: the part of signin that is the hash. */
  hashCpuMs: number;
  signing: SigningCost;
}

/**
 * Measures every route in a process of its own against the stack's DynamoDB
 * Local and Kong Admin API, with `algorithm` signing the access tokens.
 */
export async function measureWork(
  stackEnv: Record<string, string>,
  algorithm: 'ES256' | 'HS256',
  bcryptCost: number,
  samples: number,
  cpuProfileDir?: string,
): Promise<WorkReply> {
  // A folder per process: tsx's loader thread writes a profile of its own beside the main thread's (the larger).
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(cpuProfileDir, `work-${algorithm}`)] : [];
  const child = new BenchChild(path.join(__dirname, 'work-child.ts'), {
    ...stackEnv,
    ACCESS_TOKEN_ALGORITHM: algorithm,
    BCRYPT_COST: String(bcryptCost),
    BENCH_WORK_SAMPLES: String(samples),
    LOG_LEVEL: 'silent',
  }, profile);
  try {
    const reply = await child.next<{ work?: WorkReply; error?: string }>();
    if (!reply.work) throw new Error(`measuring the routes' work (${algorithm}) failed: ${reply.error}`);
    return reply.work;
  } finally {
    await child.stop();
  }
}
