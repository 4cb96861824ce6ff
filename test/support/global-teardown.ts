export default async function globalTeardown(): Promise<void> {
  await globalThis.testStack?.stop();
  globalThis.testStack = undefined;
}
