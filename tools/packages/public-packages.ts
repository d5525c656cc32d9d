// SPDX-License-Identifier: Apache-2.0
// The workspace packages that are published to npm (packages/* without "private": true), and packing
// them into tarballs exactly as `npm publish` would.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT: string = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The fields of a package.json these tools read. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly homepage?: string;
  readonly bugs?: { readonly url?: string };
  readonly publishConfig?: { readonly access?: string };
  readonly files?: readonly string[];
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}

/** A public workspace package. */
export interface PublicPackage {
  readonly name: string;
  readonly version: string;
  /** Folder relative to the repository root, e.g. `packages/tensor`. */
  readonly dir: string;
  readonly manifest: Manifest;
}

/** Every workspace package under `packages/` with a manifest, public or private. */
export function workspacePackages(root: string = REPO_ROOT): PublicPackage[] {
  return readdirSync(join(root, 'packages'))
    .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
    .sort()
    .map((d) => {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) as Manifest;
      return { name: manifest.name, version: manifest.version, dir: `packages/${d}`, manifest };
    });
}

/** The packages that are published to npm: `packages/*` without `"private": true`. */
export function publicPackages(root: string = REPO_ROOT): PublicPackage[] {
  return workspacePackages(root).filter((p) => p.manifest.private !== true);
}

/**
 * Packs `packages` with `npm pack` (one call; the same file selection as `npm publish`) into `dest`.
 * @returns the tarball path of each package name.
 */
export function packPackages(packages: readonly PublicPackage[], dest: string, root: string = REPO_ROOT): Map<string, string> {
  const args = ['pack', '--json', '--pack-destination', dest, ...packages.flatMap((p) => ['-w', p.dir])];
  const out = execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const packed = JSON.parse(out) as { name: string; filename: string }[];
  return new Map(packed.map((p) => [p.name, join(dest, p.filename)]));
}

/** Builds `dist/` of every package that has a build (nx, cached), except the private web page. */
export function buildPackages(root: string = REPO_ROOT): void {
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '--exclude=@taptr/web', '--output-style=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
}
