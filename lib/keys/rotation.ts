import { describeError } from '../platform/errors';
import { log } from '../platform/log';
import { publicKey, type KeyAlgorithm } from './algorithms';
import type { KeyCustody } from './custody';
import type { KeyRecord, KeyRing, KeyRingStore, KeyState } from './keyring';

export interface RotationTiming {
  /** How long verifiers may cache the JWKS: a new key is published this long before it signs. */
  jwksCacheSeconds: number;
  /** The access-token lifetime: a key that stopped signing stays published this long, plus the cache lifetime. */
  accessTokenTtlSeconds: number;
  /** How long a key signs before the next rotation starts on its own. */
  rotationSeconds: number;
}

/** What retiring a key means at the gateway: its Kong credentials go, so Kong refuses whatever it signs. */
export interface GatewayKeys {
  retire(kid: string): Promise<void>;
}

export interface RotationReport {
  /** What this run changed, in order ("published <kid>", "activated <kid>", ...). */
  changes: string[];
  keys: Array<{ kid: string; algorithm: KeyAlgorithm; state: KeyState; since: string }>;
}

/** More steps than one run can need (publish, activate, retire, remove two keys): a guard against a loop. */
const MAX_STEPS = 12;

/**
 * Moves the keyring along its timeline; run on a schedule (functions/
 * scheduled/rotate-keys.ts) and by `npm run keys:rotate`. Every step is one
 * conditional write, so two runs at once cannot both apply one step, and a
 * run that fails midway leaves a keyring the next run carries on from.
 *
 * - No key at all: one is made and signs at once (nothing can have cached a
 *   JWKS holding a key that does not exist, and nothing is signed without one).
 * - A pending key published at least a JWKS cache lifetime ago becomes the
 *   active key; the active one starts retiring.
 * - A key retiring for the access-token lifetime plus a cache lifetime (the
 *   last token it signed has expired, counting functions that signed with a
 *   cached keyring a little longer) is retired: out of the JWKS, its Kong
 *   credentials deleted, its private key destroyed, then gone.
 * - The active key is older than the rotation period, uses another algorithm
 *   than the configured one, or a rotation is asked for: a new key is published.
 */
export class KeyRotation {
  constructor(
    private readonly store: KeyRingStore,
    private readonly custody: KeyCustody,
    private readonly gateway: GatewayKeys,
    private readonly algorithm: KeyAlgorithm,
    private readonly timing: RotationTiming,
  ) {}

  /** Applies every step due at `now`; `rotateNow` starts a rotation unless one is under way. */
  async advance(now: number, { rotateNow = false } = {}): Promise<RotationReport> {
    const changes: string[] = [];
    let ring = await this.store.get();
    let rotating = !rotateNow || ring.keys.some((key) => key.state === 'pending');
    for (let step = 0; step < MAX_STEPS; step++) {
      const change = await this.step(ring, now, !rotating);
      if (change === undefined) return report(ring, changes);
      if (change !== 'conflict') {
        changes.push(change);
        log.info('signing keys changed', { change });
        if (/^(created|published|activated) /.test(change)) rotating = true;
      }
      ring = await this.store.get();
    }
    throw new Error(`key rotation did not settle after ${MAX_STEPS} steps: ${changes.join(', ')}`);
  }

  /** Only the first step: a key if there is none, signing at once (`npm start` makes one so; nothing else is done without Kong). */
  async bootstrap(now: number): Promise<RotationReport> {
    for (let step = 0; step < MAX_STEPS; step++) {
      const ring = await this.store.get();
      if (ring.keys.some((key) => key.state === 'active' || key.state === 'pending')) return report(ring, []);
      const change = await this.publish(ring, now, 'active');
      if (change !== 'conflict') return report(await this.store.get(), [change]);
    }
    throw new Error('could not make a first key');
  }

  /** The first step due, applied; undefined when nothing is due, 'conflict' when another writer came first. */
  private async step(ring: KeyRing, now: number, rotateNow: boolean): Promise<string | 'conflict' | undefined> {
    const { jwksCacheSeconds, accessTokenTtlSeconds, rotationSeconds } = this.timing;
    const active = ring.keys.find((key) => key.state === 'active');
    const pending = ring.keys.find((key) => key.state === 'pending');

    const retired = ring.keys.find((key) => key.state === 'retired');
    if (retired) {
      // Out of the JWKS already; what is left may fail and be retried by the next run.
      await this.gateway.retire(retired.kid);
      await this.custody.destroy(retired.ref).catch((error) => {
        // A KMS key already scheduled for deletion, a file already gone: the key is unusable either way.
        log.warn('could not destroy a retired private key', { kid: retired.kid, ...describeError(error) });
      });
      return this.write(ring, ring.keys.filter((key) => key !== retired), `removed ${retired.kid}`);
    }

    if (!active && !pending) return this.publish(ring, now, 'active');

    if (pending && (!active || pending.publishedAt + jwksCacheSeconds <= now)) {
      const keys = ring.keys.map((key): KeyRecord => {
        if (key === pending) return { ...key, state: 'active', activatedAt: now };
        if (key === active) return { ...key, state: 'retiring', retiringAt: now };
        return key;
      });
      return this.write(ring, keys, `activated ${pending.kid}`);
    }

    const due = ring.keys.find((key) => key.state === 'retiring' && (key.retiringAt ?? 0) + accessTokenTtlSeconds + jwksCacheSeconds <= now);
    if (due) {
      const keys = ring.keys.map((key): KeyRecord => (key === due ? { ...key, state: 'retired', retiredAt: now } : key));
      return this.write(ring, keys, `retired ${due.kid}`);
    }

    const stale = active && ((active.activatedAt ?? active.publishedAt) + rotationSeconds <= now || active.algorithm !== this.algorithm);
    if (!pending && (rotateNow || stale)) return this.publish(ring, now, 'pending');
    return undefined;
  }

  /** A new key in the custody, added to the keyring; destroyed again if another writer changed the keyring first. */
  private async publish(ring: KeyRing, now: number, state: 'active' | 'pending') {
    const created = await this.custody.create(this.algorithm);
    const { kid, jwk } = publicKey(created.publicKey, this.algorithm);
    const record: KeyRecord = {
      kid,
      algorithm: this.algorithm,
      custody: this.custody.kind,
      ref: created.ref,
      jwk,
      state,
      publishedAt: now,
      ...(state === 'active' ? { activatedAt: now } : {}),
    };
    const change = await this.write(ring, [...ring.keys, record], state === 'active' ? `created ${kid} (signing at once)` : `published ${kid}`);
    if (change === 'conflict') await this.custody.destroy(created.ref);
    return change;
  }

  private async write(ring: KeyRing, keys: KeyRecord[], change: string) {
    return (await this.store.put({ version: ring.version + 1, keys })) ? change : 'conflict';
  }
}

function report(ring: KeyRing, changes: string[]): RotationReport {
  const since = (key: KeyRecord) => key.retiredAt ?? key.retiringAt ?? key.activatedAt ?? key.publishedAt;
  return {
    changes,
    keys: ring.keys.map((key) => ({ kid: key.kid, algorithm: key.algorithm, state: key.state, since: new Date(since(key) * 1000).toISOString() })),
  };
}
