import bcrypt from 'bcryptjs';
import { bcryptHasher } from '../../../lib/accounts/passwords';

const PEPPER = 'a test pepper of at least thirty-two characters';
const hasher = bcryptHasher(4, PEPPER);

it('stores a version 2 hash: bcrypt of the peppered HMAC, marked as such', async () => {
  const hash = await hasher.hash('correct horse battery');
  expect(hash).toMatch(/^v2:\$2[aby]\$04\$/);
  expect(await bcrypt.compare('correct horse battery', hash.slice(3))).toBe(false);
  expect(await hasher.verify('correct horse battery', hash)).toBe(true);
  expect(await hasher.verify('correct horse batterY', hash)).toBe(false);
  expect(hasher.needsRehash(hash)).toBe(false);
});

it('tells passwords apart past 72 bytes, which plain bcrypt cannot', async () => {
  const long = 'x'.repeat(72);
  const hash = await hasher.hash(`${long}-one`);
  expect(await hasher.verify(`${long}-one`, hash)).toBe(true);
  expect(await hasher.verify(`${long}-two`, hash)).toBe(false);
  expect(await hasher.verify('é'.repeat(100), await hasher.hash('é'.repeat(100)))).toBe(true);
});

it('cannot verify without the same pepper: a stolen table alone is not enough', async () => {
  const hash = await hasher.hash('correct horse battery');
  expect(await bcryptHasher(4, 'another pepper of at least thirty-two chars').verify('correct horse battery', hash)).toBe(false);
});

it('treats a password the same whichever Unicode form it was typed in (NFKC)', async () => {
  const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
  const decomposed = composed.normalize('NFD');
  expect(decomposed).not.toBe(composed);
  expect(await hasher.verify(decomposed, await hasher.hash(composed))).toBe(true);
});

it('still verifies a version 1 hash (plain bcrypt, before #13) and asks for it to be made again', async () => {
  const legacy = await bcrypt.hash('old password 1', 4);
  expect(await hasher.verify('old password 1', legacy)).toBe(true);
  expect(await hasher.verify('old password 2', legacy)).toBe(false);
  expect(hasher.needsRehash(legacy)).toBe(true);
});

it('refuses, against a version 1 hash, a longer password that only starts like the real one', async () => {
  const real = 'y'.repeat(72);
  const legacy = await bcrypt.hash(real, 4);
  expect(await hasher.verify(real, legacy)).toBe(true);
  expect(await hasher.verify(`${real}anything`, legacy)).toBe(false);
});

it('asks for a hash of a lower cost to be made again', async () => {
  expect(bcryptHasher(5, PEPPER).needsRehash(await hasher.hash('correct horse battery'))).toBe(true);
});

it('answers false for no hash at all (an unknown user), after a comparison all the same', async () => {
  expect(await hasher.verify('not a real password', undefined)).toBe(false);
});
