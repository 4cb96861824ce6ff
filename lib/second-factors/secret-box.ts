import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Seals TOTP secrets with a key the data store does not hold, so that a dump
 * of the tokens table alone yields no working secret. The same custody as the
 * signing keys (lib/keys/custody.ts): a key file beside them locally, AWS KMS
 * when deployed (envelope encryption, kms-secret-box.ts). `context` (the
 * account id) is bound in as associated data: a sealed secret copied onto
 * another account's item does not open.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<string>;
}

const IV_BYTES = 12;
const b64 = (buffer: Buffer) => buffer.toString('base64url');

/** AES-256-GCM with a 96-bit random IV: the authenticated encryption both custodies use on the secret itself. */
export function gcmSeal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.');
}

export function gcmOpen(key: Buffer, sealed: string, context: string): string {
  const [iv, ciphertext, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !ciphertext || !tag) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}

/** The key file's name in the signing keys' folder (SIGNING_KEY_DIR): not a `<kid>.pem`, so never taken for a signing key. */
export const SECRET_KEY_FILE = 'second-factors.key';

/**
 * Local runs: one 256-bit key in a file beside the signing keys (0600 in a
 * 0700 folder, made once with 'wx' so two processes starting together keep
 * the first). Refused when deployed, as the file custody is.
 */
export class FileSecretBox implements SecretBox {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly dir: string) {}

  async seal(plaintext: string, context: string) {
    return `file.${gcmSeal(await this.loadKey(), plaintext, context)}`;
  }

  async open(sealed: string, context: string) {
    if (!sealed.startsWith('file.')) throw new Error('not sealed by the file custody');
    return gcmOpen(await this.loadKey(), sealed.slice('file.'.length), context);
  }

  private loadKey(): Promise<Buffer> {
    return (this.key ??= this.readOrCreate().catch((error) => {
      this.key = undefined;
      throw error;
    }));
  }

  private async readOrCreate(): Promise<Buffer> {
    const file = path.join(this.dir, SECRET_KEY_FILE);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700);
    try {
      await writeFile(file, b64(randomBytes(32)), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
    if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key`);
    return key;
  }
}
