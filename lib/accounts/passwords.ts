import bcrypt from 'bcryptjs';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for no hash at all, in about the same time. */
  verify(password: string, hash: string | undefined): Promise<boolean>;
}

/** bcrypt at `cost` (10 or more in production; tests may lower it to 4). */
export function bcryptHasher(cost: number): PasswordHasher {
  // Compared against when the user does not exist, so that an unknown username
  // costs the same time as a wrong password and timing reveals nothing.
  let dummyHash: Promise<string> | undefined;
  return {
    hash: (password) => bcrypt.hash(password, cost),
    async verify(password, hash) {
      dummyHash ??= bcrypt.hash('not a real password', cost);
      const matches = await bcrypt.compare(password, hash ?? (await dummyHash));
      return matches && hash !== undefined;
    },
  };
}
