/** Where the stack's files and tools are. */
import path from 'node:path';

/** Every component runs from the repository root, where serverless.yml and kong/ live. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export const localBin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);

/** Where `npm start` keeps its data and DynamoDB Local's key (git-ignored). */
export const DEFAULT_DATA_DIR = path.join(REPO_ROOT, '.data');

/** `npm start`'s data folder: STACK_DATA_DIR, or .data/ in the repository. */
export const dataDirFromEnv = (env = process.env) => path.resolve(env.STACK_DATA_DIR || DEFAULT_DATA_DIR);
