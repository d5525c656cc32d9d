// SPDX-License-Identifier: Apache-2.0
// `npm run check:packages`: packs every public package (`npm pack`, what `npm publish` would upload) and
// checks each tarball with publint (strict: warnings fail too) and @arethetypeswrong/cli's analysis
// (profile esm-only: the packages are ESM only, so node10 and require() resolutions are not checked),
// plus what npm and users expect of this repository's packages: LICENSE and NOTICE equal to the root
// ones, repository/homepage/bugs, publishConfig.access public, internal dependencies as semver ranges
// that the sibling's version satisfies, private workspace packages (@taptr/fixtures) as devDependencies only,
// every source map's sources inside the tarball, no test files.
// One line per package, then `packages: N checked, N failed`. Exit 1 on any failure.
// Usage: npx tsx tools/packages/check-packages.ts [--no-build]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative, sep } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { problemKindInfo } from '@arethetypeswrong/core/problems';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { buildPackages, packPackages, publicPackages, REPO_ROOT, workspacePackages, type PublicPackage } from './public-packages.js';

/** Resolutions an ESM-only package is not expected to support (attw's `esm-only` profile). */
const IGNORED_RESOLUTIONS = new Set(['node10', 'node16-cjs']);
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const;

/** Whether semver `range` (`^x.y.z`, `~x.y.z` or `x.y.z`) accepts `version` (plain x.y.z). */
export function rangeAccepts(range: string, version: string): boolean {
  const m = /^([\^~]?)(\d+)\.(\d+)\.(\d+)$/.exec(range);
  const v = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m || !v) return false;
  const [lo, want] = [m.slice(2).map(Number), v.slice(1).map(Number)] as [number[], number[]];
  const cmp = want[0]! - lo[0]! || want[1]! - lo[1]! || want[2]! - lo[2]!;
  if (m[1] === '') return cmp === 0;
  if (cmp < 0) return false;
  if (m[1] === '~') return want[0] === lo[0] && want[1] === lo[1];
  // caret: the left-most non-zero part is fixed
  if (lo[0] !== 0) return want[0] === lo[0];
  if (lo[1] !== 0) return want[0] === 0 && want[1] === lo[1];
  return want[0] === 0 && want[1] === 0 && want[2] === lo[2];
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path).split(sep).join('/')];
  });
}

/** The repository's own expectations of a packed package (files are tarball-relative paths). */
function ownChecks(
  pkg: PublicPackage,
  unpacked: string,
  files: readonly string[],
  versions: ReadonlyMap<string, string>,
  privateNames: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const m = pkg.manifest;
  for (const name of ['LICENSE', 'NOTICE']) {
    if (!files.includes(name)) problems.push(`${name} is not in the tarball`);
    else if (!readFileSync(join(unpacked, name)).equals(readFileSync(join(REPO_ROOT, name)))) problems.push(`${name} differs from the repository's ${name}`);
  }
  if (!files.includes('README.md')) problems.push('README.md is not in the tarball');
  if (!files.includes('CHANGELOG.md')) problems.push('CHANGELOG.md is not in the tarball');
  if (m.license !== 'Apache-2.0') problems.push(`license is ${String(m.license)}, expected Apache-2.0`);
  if (m.repository?.type !== 'git' || !m.repository.url || m.repository.directory !== pkg.dir)
    problems.push(`repository must be { type: 'git', url, directory: '${pkg.dir}' }`);
  if (!m.homepage) problems.push('homepage is missing');
  if (!m.bugs?.url) problems.push('bugs.url is missing');
  if (m.publishConfig?.access !== 'public') problems.push('publishConfig.access must be "public" (scoped packages are private by default)');
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries(m[field] ?? {})) {
      if (privateNames.has(dep)) {
        // never installed by users: allowed for the repository's own tests only
        if (field !== 'devDependencies') problems.push(`${field}.${dep}: ${dep} is private (never published); only a devDependency may name it`);
        continue;
      }
      const sibling = versions.get(dep);
      if (sibling === undefined) continue;
      if (!rangeAccepts(range, sibling))
        problems.push(`${field}.${dep} is "${range}", which does not accept the workspace's ${dep}@${sibling} (use ^${sibling})`);
    }
  }
  const tests = files.filter((f) => /\.test\.[cm]?[jt]s(\.map)?$|(^|\/)__tests__\//.test(f));
  if (tests.length > 0) problems.push(`test files in the tarball: ${tests.slice(0, 3).join(', ')}${tests.length > 3 ? ', ...' : ''}`);
  const fileSet = new Set(files);
  const unresolved: string[] = [];
  for (const file of files) {
    if (file.endsWith('.map')) {
      const map = JSON.parse(readFileSync(join(unpacked, file), 'utf8')) as { sources?: string[]; sourceRoot?: string };
      for (const source of map.sources ?? []) {
        const target = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
        if (!fileSet.has(target)) unresolved.push(`${file} -> ${source}`);
      }
    } else if (/\.[cm]?js$|\.d\.[cm]?ts$/.test(file)) {
      const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(unpacked, file), 'utf8'));
      if (ref && !ref[1]!.startsWith('data:') && !fileSet.has(posix.normalize(posix.join(posix.dirname(file), ref[1]!))))
        unresolved.push(`${file} -> ${ref[1]}`);
    }
  }
  if (unresolved.length > 0)
    problems.push(`${unresolved.length} source-map references point outside the tarball (ship the sources, or build without maps), e.g. ${unresolved[0]}`);
  return problems;
}

/** publint, strict, every message level. */
async function publintMessages(tarball: Uint8Array): Promise<string[]> {
  const buffer = tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball: buffer }, level: 'suggestion', strict: true });
  return messages.map((msg) => `${msg.type}: ${formatMessage(msg, pkg, { color: false }) ?? msg.code}`);
}

/** @arethetypeswrong's problems outside the ignored resolutions (what `attw --profile esm-only` fails on). */
async function attwProblems(tarball: Uint8Array): Promise<string[]> {
  const analysis = await checkPackage(createPackageFromTarballData(tarball));
  if (!analysis.types) return ['the package ships no types'];
  return analysis.problems
    .filter((p) => !('resolutionKind' in p) || !IGNORED_RESOLUTIONS.has(p.resolutionKind))
    .map((p) => `${problemKindInfo[p.kind].title}${'entrypoint' in p ? ` (${p.entrypoint}${'resolutionKind' in p ? `, ${p.resolutionKind}` : ''})` : ''}`);
}

/** The result of one package's checks. */
export interface PackageCheck {
  readonly name: string;
  readonly files: number;
  readonly packedBytes: number;
  readonly unpackedBytes: number;
  readonly publint: readonly string[];
  readonly attw: readonly string[];
  readonly own: readonly string[];
}

/** Packs and checks every public package. */
export async function checkPackages(options: { build?: boolean } = {}): Promise<PackageCheck[]> {
  if (options.build !== false) buildPackages();
  const packages = publicPackages();
  const workspace = workspacePackages();
  const versions = new Map(workspace.map((p) => [p.name, p.version]));
  const privateNames = new Set(workspace.filter((p) => p.manifest.private === true).map((p) => p.name));
  const work = mkdtempSync(join(tmpdir(), 'taptr-pack-check-'));
  try {
    const tarballs = packPackages(packages, work);
    const results: PackageCheck[] = [];
    for (const pkg of packages) {
      const tgz = tarballs.get(pkg.name);
      if (tgz === undefined || !existsSync(tgz)) throw new Error(`npm pack gave no tarball for ${pkg.name}`);
      const unpacked = join(work, pkg.dir.replace('/', '-'));
      execFileSync('mkdir', ['-p', unpacked]);
      execFileSync('tar', ['-xzf', tgz, '-C', unpacked]);
      const root = join(unpacked, 'package');
      const files = listFiles(root);
      const bytes = new Uint8Array(readFileSync(tgz));
      results.push({
        name: pkg.name,
        files: files.length,
        packedBytes: bytes.byteLength,
        unpackedBytes: files.reduce((sum, f) => sum + statSync(join(root, f)).size, 0),
        publint: await publintMessages(bytes),
        attw: await attwProblems(bytes),
        own: ownChecks(pkg, root, files, versions, privateNames),
      });
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const kb = (n: number): string => `${(n / 1024).toFixed(0)} kB`;

async function main(): Promise<number> {
  const started = performance.now();
  const results = await checkPackages({ build: !process.argv.includes('--no-build') });
  let failed = 0;
  for (const r of results) {
    const status = (list: readonly string[]): string => (list.length === 0 ? 'clean' : `${list.length} problem${list.length > 1 ? 's' : ''}`);
    const ok = r.publint.length + r.attw.length + r.own.length === 0;
    if (!ok) failed++;
    process.stdout.write(
      `${ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(20)} ${String(r.files).padStart(4)} files ${kb(r.packedBytes).padStart(8)} packed ${kb(r.unpackedBytes).padStart(8)} unpacked  publint ${status(r.publint)}, attw ${status(r.attw)}, package ${status(r.own)}\n`,
    );
    for (const [tool, list] of [
      ['publint', r.publint],
      ['attw', r.attw],
      ['package', r.own],
    ] as const)
      for (const line of list) process.stdout.write(`       ${tool}: ${line}\n`);
  }
  process.stdout.write(`packages: ${results.length} checked, ${failed} failed (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split(sep).join('/'))) process.exitCode = await main();
