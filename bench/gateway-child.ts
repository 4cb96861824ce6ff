/**
 * The local gateway in a process of its own (see gateway-alone.ts), configured
 * by kong/http-upstream.kong.yml (kong.yml's jwt and rate limiting before a
 * plain HTTP upstream) with its service pointing at UPSTREAM_URL.
 * Answers any message with its CPU usage so far; ends when the parent leaves.
 */
import path from 'node:path';
import { startGateway } from '../kong/gateway';
import { REPO_ROOT } from '../scripts/stack';

async function main() {
  const gateway = await startGateway({
    configPath: path.join(REPO_ROOT, 'kong', 'http-upstream.kong.yml'),
    proxyPort: 0,
    adminPort: 0,
    env: { DECK_API_URL: process.env.UPSTREAM_URL!, DECK_PUBLIC_RATE_LIMIT_PER_MINUTE: '60' },
  });
  process.on('message', () => process.send!(process.cpuUsage()));
  // A normal exit, so that --cpu-prof writes its profile.
  process.once('disconnect', () => void gateway.close().finally(() => process.exit(0)));
  process.send!({ proxyUrl: gateway.proxyUrl, adminUrl: gateway.adminUrl });
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
