import { createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { localSigner } from '../tokens/signer';
import { generatePrivateKey, publicKey, type KeyAlgorithm } from './algorithms';
import type { KeyCustody } from './custody';

/** A file name the custody made: `<kid>.pem`, nothing that could leave the folder. */
const REF = /^[A-Za-z0-9_-]{43}\.pem$/;

/**
 * Private keys as PKCS #8 PEM files in one folder, for local runs only
 * (`npm start` keeps them under the git-ignored .data/; each test stack makes
 * its own folder). The folder is private to its owner (0700), each file 0600.
 * A deployed function refuses this custody (lib/platform/config.ts): a
 * Lambda's disk is neither durable nor shared.
 */
export class FileKeyCustody implements KeyCustody {
  readonly kind = 'file';

  constructor(private readonly dir: string) {}

  async create(algorithm: KeyAlgorithm) {
    const privateKey = await generatePrivateKey(algorithm);
    const { kid, key } = publicKey(privateKey, algorithm);
    const ref = `${kid}.pem`;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    // 'wx': never overwrite a key; mode 0600 from the first byte written.
    await writeFile(this.file(ref), privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
    return { ref, publicKey: key };
  }

  async signer(ref: string, algorithm: KeyAlgorithm, kid: string) {
    const key = createPrivateKey(await readFile(this.file(ref)));
    if (publicKey(key, algorithm).kid !== kid) throw new Error(`key file ${ref} does not hold key ${kid}`);
    return localSigner(algorithm, key, kid);
  }

  async destroy(ref: string) {
    await rm(this.file(ref), { force: true });
  }

  private file(ref: string): string {
    if (!REF.test(ref)) throw new Error(`not a key file name: ${ref}`);
    return path.join(this.dir, ref);
  }
}
