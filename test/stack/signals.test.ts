import { assertPortFree } from '../../scripts/stack';
import { descendants, runStart, survivors, type ProcessInfo } from '../support/start-command';

const CASE_TIMEOUT_MS = 120_000;

/**
 * However `npm start` is stopped, no component outlives it: Ctrl-C, an IDE's
 * stop button (SIGTERM, to npm or to what it runs), a closed terminal
 * (SIGHUP), or a SIGKILL that leaves no chance to clean up. start.test.ts
 * covers SIGTERM to start.ts itself.
 */
describe.each([
  { signal: 'SIGINT', target: 'start.ts' },
  { signal: 'SIGHUP', target: 'start.ts' },
  // npm relays it to start.ts.
  { signal: 'SIGTERM', target: 'npm' },
  // npm dies of it alone: start.ts notices that its parent has gone.
  { signal: 'SIGHUP', target: 'npm' },
  // start.ts cannot clean up: the watchdog it started does.
  { signal: 'SIGKILL', target: 'start.ts' },
] as const)('$signal to $target', ({ signal, target }) => {
  it(
    'stops every process of the stack and frees every port',
    async () => {
      const started = await runStart({ viaNpm: true });
      try {
        const running: ProcessInfo[] = await descendants(started.child.pid!);
        const startScript = running.find((process) => process.args.includes('scripts/start.ts'));
        expect(startScript).toMatchObject({ ppid: started.child.pid });
        const commands = running.map((process) => process.args).join('\n');
        for (const component of ['DynamoDBLocal.jar', 'serverless', 'kong/gateway/cli.ts', 'reaper.ts']) {
          expect(commands).toContain(component);
        }

        process.kill(target === 'npm' ? started.child.pid! : startScript!.pid, signal);

        expect(await survivors(running)).toEqual([]);
        for (const [envVar, port] of Object.entries(started.ports)) await assertPortFree(Number(port), envVar);
      } finally {
        await started.cleanUp();
      }
    },
    CASE_TIMEOUT_MS,
  );
});
