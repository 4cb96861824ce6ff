import bcrypt from 'bcryptjs';
import { config } from './config';

export const hashPassword = (password: string) => bcrypt.hash(password, config.bcryptCost);

// Compared against when the user does not exist, so that an unknown username
// costs the same time as a wrong password and timing reveals nothing.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  dummyHash ??= bcrypt.hash('not a real password', config.bcryptCost);
  const matches = await bcrypt.compare(password, hash ?? (await dummyHash));
  return matches && hash !== undefined;
}
