/** Stops the suite's shared stack once every test file has run. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.testStack?.stop();
  globalThis.testStack = undefined;
}
