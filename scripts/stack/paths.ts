/** Where the stack's files and tools are. */
import path from 'node:path';

/** Every component runs from the repository root, where serverless.yml and kong/ live. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export const localBin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
