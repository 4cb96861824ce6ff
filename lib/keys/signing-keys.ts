import { randomUUID } from 'node:crypto';
import { nowSeconds } from '../platform/clock';
import { DependencyError, describeError } from '../platform/errors';
import { log } from '../platform/log';
import type { JwtSigner, TokenType } from '../tokens/signer';
import { publicKey, type PublicJwk, type PublicKey } from './algorithms';
import type { SigningCustody } from './custody';
import { isPublished, type KeyRecord, type KeyRingStore } from './keyring';

/** The key that signs now: its public half, and a signer for it. */
export interface CurrentKey extends PublicKey {
  signer: JwtSigner;
}

/** The JWKS document (RFC 7517 §5). */
export interface Jwks {
  keys: PublicJwk[];
}

/** What one read of the keyring gives: the published keys, checked, and the active one. */
interface Loaded {
  at: number;
  published: Map<string, PublicKey>;
  active?: KeyRecord;
}

/** The longest a service token may live: the same bound as access tokens. */
const MAX_SERVICE_TOKEN_SECONDS = 3600;

/**
 * The service's signing keys as the functions use them: the current key
 * (for signing), the published keys (for verifying, and the JWKS). The
 * keyring is read from DynamoDB at most every `refreshSeconds`, which must not
 * exceed the JWKS cache lifetime: a new key is published that long before it
 * signs, so by the time any function signs with it, every function has read
 * it. Public keys are parsed and checked once per key, and each signer is
 * prepared once per key (the key file read, the private key parsed), not per
 * token.
 */
export class SigningKeys {
  private loaded: Promise<Loaded> | undefined;
  private readonly checked = new Map<string, PublicKey | null>();
  private readonly signers = new Map<string, Promise<JwtSigner>>();

  /**
   * @param issuer the service's public URL: `iss` of the tokens it signs for other services
   */
  constructor(
    private readonly store: KeyRingStore,
    private readonly custody: SigningCustody,
    private readonly refreshSeconds: number,
    readonly issuer: string,
  ) {}

  /** The active key; 503 if there is none (no key was ever made: see `npm run keys:rotate`). */
  async current(): Promise<CurrentKey> {
    const { active, published } = await this.load();
    const key = active && published.get(active.kid);
    if (!active || !key) {
      throw new DependencyError('signing-keys', new Error('no active signing key: run `npm run keys:rotate` or invoke rotateKeys'));
    }
    return { ...key, signer: await this.signer(active) };
  }

  /** A published key by its kid: what a token with that `kid` in its header is verified with. */
  async verificationKey(kid: string): Promise<PublicKey | undefined> {
    return (await this.load()).published.get(kid);
  }

  /** The kids of every published key. */
  async publishedKids(): Promise<Set<string>> {
    return new Set((await this.load()).published.keys());
  }

  /** Every key a valid token can carry: pending, active and retiring ones. */
  async jwks(): Promise<Jwks> {
    return { keys: [...(await this.load()).published.values()].map((key) => key.jwk) };
  }

  /**
   * A short-lived JWT for another service (design 004: "the auth service
   * signs, others verify with its public key"): `iss` is the service's URL,
   * `aud` the service it is for, signed with the current key and named by
   * `kid`, verifiable with nothing but the JWKS. `typ` names the kind of
   * token (lib/tokens/signer.ts: `JWT` unless said), so that a verifier checking
   * it takes no other kind signed with the same key.
   */
  async signJwt(claims: { aud: string; sub: string } & Record<string, unknown>, ttlSeconds: number, typ: TokenType = 'JWT'): Promise<string> {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_SERVICE_TOKEN_SECONDS) {
      throw new RangeError(`ttlSeconds must be 1 to ${MAX_SERVICE_TOKEN_SECONDS}`);
    }
    const { signer } = await this.current();
    const iat = nowSeconds();
    return signer.sign({ jti: randomUUID(), ...claims, iss: this.issuer, iat, exp: iat + ttlSeconds }, typ);
  }

  /** Forgets what was read: the next call reads the keyring again (tests, and the rotation command). */
  reload(): void {
    this.loaded = undefined;
  }

  private load(): Promise<Loaded> {
    const current = this.loaded;
    const fresh = (loaded: Loaded) => nowSeconds() - loaded.at < this.refreshSeconds;
    // One read at a time, shared by concurrent callers; a failed read is not kept.
    const next = (async () => {
      const previous = await current?.catch(() => undefined);
      if (previous && fresh(previous)) return previous;
      return this.read();
    })();
    this.loaded = next;
    next.catch(() => {
      if (this.loaded === next) this.loaded = undefined;
    });
    return next;
  }

  private async read(): Promise<Loaded> {
    const ring = await this.store.get();
    const published = new Map<string, PublicKey>();
    for (const record of ring.keys.filter(isPublished)) {
      const key = this.check(record);
      if (key) published.set(record.kid, key);
    }
    return { at: nowSeconds(), published, active: ring.keys.find((key) => key.state === 'active') };
  }

  /** A keyring entry whose public key does not fit its algorithm, or is not the key its kid names, is never used. */
  private check(record: KeyRecord): PublicKey | undefined {
    if (!this.checked.has(record.kid)) {
      let key: PublicKey | null = null;
      try {
        key = publicKey(record.jwk, record.algorithm);
        if (key.kid !== record.kid) throw new Error(`its thumbprint is ${key.kid}`);
      } catch (error) {
        key = null;
        log.error('unusable key in the keyring', { kid: record.kid, ...describeError(error) });
      }
      this.checked.set(record.kid, key);
    }
    return this.checked.get(record.kid) ?? undefined;
  }

  private signer(record: KeyRecord): Promise<JwtSigner> {
    let signer = this.signers.get(record.kid);
    if (!signer) {
      signer = this.custody.signer(record.ref, record.algorithm, record.kid);
      this.signers.set(record.kid, signer);
      signer.catch(() => this.signers.delete(record.kid));
    }
    return signer;
  }
}
