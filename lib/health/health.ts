import { describeError } from '../platform/errors';
import { log } from '../platform/log';

/** What the health check looks at, by the names its answer gives them. */
export type HealthDependency = 'dynamodb' | 'kong';

/** Resolves if the dependency answers; rejects (or never settles) if not. `signal` fires when its time is up. */
export type Probe = (signal: AbortSignal) => Promise<void>;

/** Healthy when `failed` is empty; otherwise the dependencies that did not answer in time, in a fixed order. */
export interface Health {
  failed: HealthDependency[];
}

/**
 * Whether the service can do its work now: every dependency asked at once,
 * each given `timeoutMs`. A probe that ignores its signal still counts as
 * failed at the deadline. What went wrong goes to the log only: the answer
 * names the dependency and nothing else.
 */
export class HealthCheck {
  constructor(
    private readonly probes: Readonly<Record<HealthDependency, Probe>>,
    private readonly timeoutMs: number,
  ) {}

  async check(): Promise<Health> {
    const names = (Object.keys(this.probes) as HealthDependency[]).sort();
    const answered = await Promise.all(names.map((name) => this.answers(name)));
    return { failed: names.filter((_, i) => !answered[i]) };
  }

  private async answers(name: HealthDependency): Promise<boolean> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      await Promise.race([this.probes[name](controller.signal), deadline]);
      return true;
    } catch (error) {
      log.warn('health check failed', { dependency: name, ...describeError(error) });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
