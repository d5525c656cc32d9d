// SPDX-License-Identifier: Apache-2.0
// The consumer test (`npm run test:consumer`; CI runs it after `npm test`): taptr-js as a new user gets
// it. Every public package is packed with `npm pack`; the tarballs are installed into a fresh project
// outside the repository (dependencies from the npm registry only; onnxruntime-node's CUDA download off
// with --onnxruntime-node-install=skip, as packages/runtime-node/README.md tells users; the optional
// @taptr/runtime-web is left out, as a CLI user would), then:
//   (a) the README's library snippet, taken verbatim from between its consumer-test markers, runs on
//       the bundled reference model (converted by the installed `taptr convert`) and a generated clip;
//   (b) `npx taptr demo` runs from the installed CLI;
//   (c) a strict `tsc --noEmit` WITHOUT skipLibCheck compiles the snippet and an import of every public
//       entry point of the installed packages (no published type may need a type its deps do not ship);
//   (d) `--backend wasm` without the optional @taptr/runtime-web stops with one line naming it.
// Prints the install size and one line per check, and exits 1 when any check fails.
// Usage: npx tsx tools/packages/consumer-test.ts [--no-build] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildPackages, packPackages, publicPackages, REPO_ROOT, type PublicPackage } from './public-packages.js';

/** The markers around the README's library snippet (a ```ts block between them). */
export const SNIPPET_START = '<!-- consumer-test:snippet -->';
export const SNIPPET_END = '<!-- /consumer-test:snippet -->';

/** The ```ts block between the consumer-test markers of `readme`. */
export function extractSnippet(readme: string): string {
  const start = readme.indexOf(SNIPPET_START);
  const end = readme.indexOf(SNIPPET_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${SNIPPET_START} ... ${SNIPPET_END} block`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start, end));
  if (!block) throw new Error('README.md: no ```ts block between the consumer-test markers');
  return block[1]!;
}

/** Optional peers that a plain install leaves out (installing them is the user's choice). */
const OPTIONAL_PACKAGES = new Set(['@taptr/runtime-web']);
/** Dev tools of the consumer project itself, not counted in the install size. */
const CONSUMER_TOOLS = ['typescript', '@types/node'];

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 600_000): Run {
  const started = performance.now();
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return {
    code: r.status ?? 1,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''),
    seconds: (performance.now() - started) / 1000,
  };
}

function duBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + duBytes(join(path, name)), 0);
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const tail = (text: string, lines = 15): string =>
  text
    .trim()
    .split('\n')
    .slice(-lines)
    .map((l) => `      ${l}`)
    .join('\n');

/** Every export subpath of the installed public packages, as `export * as eN from '<specifier>'` lines. */
function entryPointImports(packages: readonly PublicPackage[], project: string): string {
  const lines: string[] = [];
  for (const pkg of packages) {
    const manifestPath = join(project, 'node_modules', pkg.name, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const exports = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, unknown> }).exports ?? { '.': null };
    for (const subpath of Object.keys(exports)) {
      if (subpath.endsWith('.json')) continue;
      lines.push(`export * as e${lines.length} from '${pkg.name}${subpath === '.' ? '' : subpath.slice(1)}';`);
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

async function main(): Promise<number> {
  const started = performance.now();
  const keep = process.argv.includes('--keep');
  if (!process.argv.includes('--no-build')) buildPackages();
  const snippet = extractSnippet(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
  const packages = publicPackages();
  const work = mkdtempSync(join(tmpdir(), 'taptr-consumer-'));
  if (!relative(REPO_ROOT, work).startsWith('..')) throw new Error(`the consumer project ${work} must lie outside the repository`);
  const checks: Check[] = [];
  try {
    // 1. Tarballs, and a fresh project that installs them.
    const tarballDir = join(work, 'tarballs');
    mkdirSync(tarballDir);
    const tarballs = packPackages(packages, tarballDir);
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'taptr-consumer', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`);
    const repoRequire = createRequire(join(REPO_ROOT, 'package.json'));
    const tsVersion = (repoRequire('typescript/package.json') as { version: string }).version;
    const installed = packages.filter((p) => !OPTIONAL_PACKAGES.has(p.name));
    const install = run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--onnxruntime-node-install=skip',
        ...installed.map((p) => tarballs.get(p.name)!),
        `typescript@${tsVersion}`,
        '@types/node@^20',
      ],
      project,
    );
    if (install.code !== 0) throw new Error(`npm install of the tarballs failed (exit ${install.code}):\n${tail(install.stderr, 30)}`);
    const nodeModules = join(project, 'node_modules');
    const total = duBytes(nodeModules);
    const tools = CONSUMER_TOOLS.reduce((sum, name) => sum + duBytes(join(nodeModules, name)), 0);
    const biggest = readdirSync(nodeModules)
      .flatMap((name) => (name.startsWith('@') ? readdirSync(join(nodeModules, name)).map((n) => `${name}/${n}`) : [name]))
      .filter((name) => !name.startsWith('.') && !CONSUMER_TOOLS.includes(name))
      .map((name) => ({ name, bytes: duBytes(join(nodeModules, name)) }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 4);
    process.stdout.write(
      `consumer: installed ${installed.length} tarballs (${installed.map((p) => p.name.replace('@taptr/', '')).join(', ')}; left out the optional ${[...OPTIONAL_PACKAGES].join(', ')}) in ${install.seconds.toFixed(0)} s into ${project}\n` +
        `consumer: install size ${mb(total - tools)} (node_modules ${mb(total)} less the test's own typescript and @types/node); largest: ${biggest.map((b) => `${b.name} ${mb(b.bytes)}`).join(', ')}\n`,
    );

    // 2. The snippet's inputs: the bundled reference model converted by the installed CLI, and a clip.
    const assets = join(nodeModules, '@taptr', 'cli', 'assets', 'reference');
    const convert = run(
      'npx',
      ['--no-install', 'taptr', 'convert', join(assets, 'checkpoint.pth'), '--config', join(assets, 'config.json'), '--out', 'models/taptr-v1'],
      project,
    );
    if (convert.code !== 0) throw new Error(`taptr convert of the bundled reference model failed (exit ${convert.code}):\n${tail(convert.stderr)}`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=256x144:rate=25:duration=1', '-pix_fmt', 'yuv420p', 'clip.mp4'], {
      cwd: project,
    });
    writeFileSync(join(project, 'snippet.ts'), snippet);

    // (a) The README snippet, verbatim.
    const tsx = repoRequire.resolve('tsx/cli');
    const a = run(process.execPath, [tsx, 'snippet.ts'], project);
    const printed = a.stdout.trim().split('\n').at(-1) ?? '';
    checks.push({
      name: '(a) README library snippet runs',
      ok: a.code === 0,
      detail: a.code === 0 ? `exit 0 in ${a.seconds.toFixed(1)} s, printed: ${printed}` : `exit ${a.code}\n${tail(a.stderr)}`,
    });

    // (b) The demo from the installed CLI.
    const b = run('npx', ['--no-install', 'taptr', 'demo', '--out', 'demo-out'], project);
    const demoFiles = ['summary.png', 'tracks.json'].filter((f) => existsSync(join(project, 'demo-out', f)));
    const overlay = ['overlay.mp4', 'overlay'].find((f) => existsSync(join(project, 'demo-out', f)));
    const bOk = b.code === 0 && demoFiles.length === 2 && overlay !== undefined;
    checks.push({
      name: '(b) npx taptr demo',
      ok: bOk,
      detail: bOk
        ? `exit 0 in ${b.seconds.toFixed(1)} s, wrote ${[...demoFiles, overlay].join(', ')}`
        : `exit ${b.code}, wrote [${demoFiles.join(', ')}]\n${tail(b.stdout)}\n${tail(b.stderr)}`,
    });

    // (c) Strict tsc without skipLibCheck: the snippet and every public entry point.
    writeFileSync(join(project, 'entry-points.ts'), entryPointImports(installed, project));
    const tsconfig = {
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
      files: ['snippet.ts', 'entry-points.ts'],
    };
    writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    const c = run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], project);
    const entries = readFileSync(join(project, 'entry-points.ts'), 'utf8').trim().split('\n').length;
    checks.push({
      name: '(c) strict tsc --noEmit, no skipLibCheck',
      ok: c.code === 0,
      detail: c.code === 0 ? `0 errors (snippet.ts + ${entries} public entry points, typescript ${tsVersion})` : `exit ${c.code}\n${tail(c.stdout, 20)}`,
    });

    // (d) The optional wasm backend, not installed: one line naming the package.
    const d = run(
      'npx',
      ['--no-install', 'taptr', 'track', 'clip.mp4', '--model', 'models/taptr-v1', '--grid', '2', '--backend', 'wasm', '--out', 'wasm.json'],
      project,
    );
    const line = d.stderr.trim();
    const dOk = d.code === 1 && !line.includes('\n') && line.includes('@taptr/runtime-web') && line.includes('npm install');
    checks.push({ name: '(d) --backend wasm without @taptr/runtime-web', ok: dOk, detail: dOk ? `exit 1: ${line}` : `exit ${d.code}\n${tail(d.stderr)}` });
  } catch (error) {
    checks.push({ name: 'set-up', ok: false, detail: (error as Error).message });
  } finally {
    if (keep) process.stdout.write(`consumer: kept ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
  for (const check of checks) process.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  process.stdout.write(`consumer test: ${checks.length - failed} passed, ${failed} failed (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
