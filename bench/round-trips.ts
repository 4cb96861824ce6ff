/** How many calls to DynamoDB and the Kong Admin API each route makes. */
import path from 'node:path';
import { BenchChild } from './child';

/** The HTTP requests one call of a route makes, e.g. ["dynamodb BatchGetItem"]. */
export interface RoundTrips {
  total: number;
  dynamodb: number;
  kongAdmin: number;
  calls: string[];
}

/**
 * Counts each route's round trips by calling its handler in a process of its
 * own against the stack's DynamoDB Local and Kong Admin API. The count does
 * not depend on the bcrypt cost, so that process hashes at the cheapest one.
 */
export async function countRoundTrips(stackEnv: Record<string, string>): Promise<Record<string, RoundTrips>> {
  const child = new BenchChild(path.join(__dirname, 'round-trips-child.ts'), { ...stackEnv, BCRYPT_COST: '4' });
  try {
    const reply = await child.next<{ routes?: Record<string, RoundTrips>; error?: string }>();
    if (!reply.routes) throw new Error(`counting round trips failed: ${reply.error}`);
    return reply.routes;
  } finally {
    await child.stop();
  }
}
