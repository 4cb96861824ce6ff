/** The deployment bundles: their size, and how long each takes to load (the cold-start stand-in). */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import JSZip from 'jszip';
import YAML from 'yaml';
import { localBin, REPO_ROOT } from '../scripts/stack';
import { LOCAL_STAGE } from '../scripts/stack/local-aws';
import { percentiles } from './load';

const run = promisify(execFile);

/** Fresh processes per function; the median is reported. */
const LOAD_SAMPLES = 3;

export interface Bundle {
  function: string;
  /** Minified bundle, as it sits in the deployment package. */
  bytes: number;
  /** Median time to require() the bundle in a fresh Node process: the local stand-in for a cold start. */
  loadMs: number;
  /** The largest contributors to the bundle (npm packages, or this repository's folders), in minified kB. */
  contributors: { name: string; kB: number }[];
}

/** serverless.yml as data; CloudFormation's tags (!GetAtt...) are left unresolved, silently. */
async function serverlessYml() {
  return YAML.parse(await readFile(path.join(REPO_ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'error' });
}

/** How many contributors each function lists. */
const CONTRIBUTORS = 5;

/**
 * What makes up each function's bundle: the same esbuild settings as
 * serverless.yml's (read from it), with a metafile, grouped by package.
 */
async function contributors(handlerFile: string): Promise<Bundle['contributors']> {
  const settings = (await serverlessYml()).custom.esbuild;
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, handlerFile)],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    minify: settings.minify,
    platform: settings.platform,
    target: settings.target,
    external: settings.exclude,
    alias: settings.alias,
    write: false,
    metafile: true,
    outfile: path.join(tmpdir(), 'bench-bundle.js'),
    logLevel: 'silent',
  });
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, CONTRIBUTORS)
    .map(([name, size]) => ({ name, kB: Math.round(size / 100) / 10 }));
}

/** Each function's handler file, from serverless.yml (functions/public/signin.handler → functions/public/signin.ts). */
async function handlerFiles(): Promise<Map<string, string>> {
  const functions = (await serverlessYml()).functions as Record<string, { handler: string }>;
  return new Map(Object.entries(functions).map(([name, fn]) => [name, `${fn.handler.replace(/\.[^.]+$/, '')}.ts`]));
}

/** `serverless package` into `dir`: one zip per function (package.individually), each holding its serverless-esbuild bundle. */
async function packageService(dir: string): Promise<string[]> {
  await run(localBin('serverless'), ['package', '--stage', LOCAL_STAGE, '--package', dir], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      // serverless-esbuild resolves it against the repository; removed after packaging.
      ESBUILD_WORK_FOLDER: path.join('.esbuild', `bench-${process.pid}`),
    },
  });
  const zips = (await readdir(dir)).filter((name) => name.endsWith('.zip'));
  if (zips.length === 0) throw new Error(`serverless package wrote no zip into ${dir}`);
  return zips.map((zip) => path.join(dir, zip));
}

/**
 * The bundles are loaded from a temporary folder: @aws-sdk/* (left out of
 * them, as the Lambda runtime provides it) resolves through NODE_PATH.
 */
async function loadTime(file: string): Promise<number> {
  const script = `const t = performance.now(); require(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const env = {
    PATH: process.env.PATH,
    NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
    USERS_TABLE: 'bench-users',
    TOKENS_TABLE: 'bench-tokens',
    ATTEMPTS_TABLE: 'bench-attempts',
    AWS_REGION: 'us-east-1',
    // The profile service refuses to start without these (nothing is fetched at load).
    IDENTITY_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
    PROFILES_TABLE: 'bench-profiles',
  };
  const times: number[] = [];
  for (let i = 0; i < LOAD_SAMPLES; i++) {
    const { stdout } = await run(process.execPath, ['-e', script], { env });
    times.push(Number(stdout));
  }
  return percentiles(times).p50;
}

export async function measureBundles(): Promise<Bundle[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-bundles-'));
  try {
    const bundles: Bundle[] = [];
    const handlers = await handlerFiles();
    for (const zipFile of await packageService(dir)) {
      const zip = await JSZip.loadAsync(await readFile(zipFile));
      for (const entry of Object.values(zip.files)) {
        const match = /^functions\/(?:[^/]+\/)*([^/]+)\.js$/.exec(entry.name);
        if (!match) continue;
        const code = await entry.async('nodebuffer');
        // Named after the function (the zip), not its file: pages/signin and public/signin are two.
        const name = path.basename(zipFile, '.zip');
        const file = path.join(dir, `${name}.js`);
        await writeFile(file, code);
        const handler = handlers.get(name);
        bundles.push({
          function: name,
          bytes: code.length,
          loadMs: await loadTime(file),
          contributors: handler ? await contributors(handler) : [],
        });
      }
    }
    return bundles.sort((a, b) => a.function.localeCompare(b.function));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
