// SPDX-License-Identifier: Apache-2.0
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The runtime import graph of a TypeScript entry file, as {@link importGraph} walks it. */
export interface ImportGraph {
  /** First-party source files reached (absolute paths), the entry first. */
  readonly files: readonly string[];
  /** Workspace package entries reached (`@taptr/model/format` ...) -> the source file they resolve to. */
  readonly workspace: ReadonlyMap<string, string>;
  /** Other bare specifiers (npm packages, `node:` modules) -> the first file importing each. Not walked. */
  readonly externals: ReadonlyMap<string, string>;
}

// `import`/`export` statements with a specifier: `import x from 'a'`, `import { a, type B } from 'a'`,
// `import 'a'`, `export * from 'a'`, `export { a } from 'a'`; the clause holds no `(`, `=` or quote, so
// `export function f()` / `export const x =` never match. Group 1: `type` (erased), group 2: the specifier.
const STATEMENT = /(?:^|[;\n])\s*(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"\n]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The specifiers a module loads at run time (`import type` / `export type` are erased by TypeScript). */
function runtimeSpecifiers(source: string): string[] {
  const text = stripComments(source);
  const found: string[] = [];
  for (const m of text.matchAll(STATEMENT)) if (m[1] === undefined) found.push(m[2]!);
  for (const m of text.matchAll(DYNAMIC)) found.push(m[1]!);
  return found;
}

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidates = /\.[cm]?js$/.test(base) ? [base.replace(/\.([cm]?)js$/, '.$1ts'), base] : [base, `${base}.ts`, join(base, 'index.ts')];
  const file = candidates.find((c) => existsSync(c));
  if (file === undefined) throw new Error(`importGraph: ${from} imports ${specifier}, which resolves to none of ${candidates.join(', ')}`);
  return file;
}

/** The source file of a workspace package entry (its `@taptr/source` export), or undefined when `name` is not one. */
function resolveWorkspace(from: string, specifier: string): string | undefined {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const sub = `.${specifier.slice(name.length)}`;
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const link = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(link)) {
      const root = dirname(realpathSync(link));
      if (root.split(/[\\/]/).includes('node_modules')) return undefined; // an npm package, not a workspace one
      const exports = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> }).exports;
      const entry = exports?.[sub === '.' ? '.' : sub] as Record<string, unknown> | undefined;
      const source = entry?.['@taptr/source'];
      if (typeof source !== 'string')
        throw new Error(`importGraph: ${from} imports ${specifier}, which ${name} does not export with a @taptr/source condition`);
      return resolve(root, source);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Walks the import graph of a TypeScript entry without a bundler: relative imports and workspace
 * packages (through their `@taptr/source` exports) are followed, every other bare specifier (an npm
 * package, a `node:` module) is recorded and not entered. Type-only imports are skipped (TypeScript
 * erases them); `import { type A }` counts (it still loads the module). For tests that keep a
 * package's import graph free of a dependency (e.g. no protobuf in the tracker).
 * @param entry - absolute path of the entry `.ts` file.
 */
export function importGraph(entry: string): ImportGraph {
  const files: string[] = [];
  const seen = new Set<string>();
  const workspace = new Map<string, string>();
  const externals = new Map<string, string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    files.push(file);
    for (const specifier of runtimeSpecifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        visit(resolveRelative(file, specifier));
        continue;
      }
      const source = specifier.startsWith('node:') ? undefined : resolveWorkspace(file, specifier);
      if (source === undefined) {
        if (!externals.has(specifier)) externals.set(specifier, file);
        continue;
      }
      workspace.set(specifier, source);
      visit(source);
    }
  };
  visit(resolve(entry));
  return { files, workspace, externals };
}
