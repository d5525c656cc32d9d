// SPDX-License-Identifier: Apache-2.0
// `npm run count:exports`: the public surface of every workspace package. For each entry point of each
// package.json `exports` map (its `@taptr/source` file), the names the module exports (values and types,
// as the TypeScript checker sees them, re-exports followed) and the lines of the index file itself, which
// should fit one screen. One line per entry point, then the totals; `--json` prints the rows as JSON,
// `--max-lines N` exits 1 when an index file is longer than N lines.
// Usage: npx tsx tools/packages/count-exports.ts [--json] [--max-lines 60]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT, workspacePackages } from './public-packages.js';

/** The public surface of one entry point. */
export interface EntryExports {
  /** Package name, e.g. `@taptr/model`. */
  readonly name: string;
  /** Subpath of the exports map, e.g. `.` or `./node`. */
  readonly entry: string;
  /** Source file relative to the repository root. */
  readonly file: string;
  readonly isPrivate: boolean;
  /** Exported names that are values (functions, constants, classes). */
  readonly values: number;
  /** Exported names that are types only (interfaces, type aliases). */
  readonly types: number;
  /** Lines of the index file. */
  readonly lines: number;
}

type ExportsMap = Readonly<Record<string, string | Readonly<Record<string, string>>>>;

/** The source file of each entry point of a package (its `@taptr/source` condition). */
function sourceEntries(dir: string, exportsMap: ExportsMap | undefined): [entry: string, file: string][] {
  return Object.entries(exportsMap ?? {}).flatMap(([entry, target]): [string, string][] => {
    const source = typeof target === 'string' ? undefined : target['@taptr/source'];
    return source === undefined ? [] : [[entry, join(dir, source)]];
  });
}

/** Counts the exports of every workspace package's entry points (one TypeScript program for all). */
export function countExports(root: string = REPO_ROOT): EntryExports[] {
  const rows = workspacePackages(root).flatMap((pkg) => {
    const manifest = JSON.parse(readFileSync(join(root, pkg.dir, 'package.json'), 'utf8')) as { exports?: ExportsMap };
    return sourceEntries(pkg.dir, manifest.exports).map(([entry, file]) => ({ pkg, entry, file }));
  });
  const program = ts.createProgram(
    rows.map((r) => join(root, r.file)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      customConditions: ['@taptr/source'],
      allowImportingTsExtensions: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
  );
  const checker = program.getTypeChecker();
  return rows.map(({ pkg, entry, file }) => {
    const source = program.getSourceFile(join(root, file));
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    const exported = moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol);
    let values = 0;
    for (const symbol of exported) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (target.flags & ts.SymbolFlags.Value) values++;
    }
    const text = readFileSync(join(root, file), 'utf8');
    return {
      name: pkg.name,
      entry,
      file,
      isPrivate: pkg.manifest.private === true,
      values,
      types: exported.length - values,
      lines: text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length,
    };
  });
}

function main(argv: readonly string[]): number {
  const rows = countExports();
  const maxAt = argv.indexOf('--max-lines');
  const maxLines = maxAt >= 0 ? Number(argv[maxAt + 1]) : undefined;
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const width = Math.max(...rows.map((r) => `${r.name}${r.entry === '.' ? '' : r.entry.slice(1)}`.length));
    process.stdout.write(`${'entry point'.padEnd(width)}  exports  values  types  lines\n`);
    for (const r of rows) {
      const label = `${r.name}${r.entry === '.' ? '' : r.entry.slice(1)}${r.isPrivate ? ' (private)' : ''}`;
      const total = r.values + r.types;
      process.stdout.write(
        `${label.padEnd(width)}  ${String(total).padStart(7)}  ${String(r.values).padStart(6)}  ${String(r.types).padStart(5)}  ${String(r.lines).padStart(5)}\n`,
      );
    }
    const published = rows.filter((r) => !r.isPrivate);
    const sum = (list: readonly EntryExports[]) => list.reduce((s, r) => s + r.values + r.types, 0);
    process.stdout.write(`exports: ${sum(published)} in ${published.length} published entry points, ${sum(rows)} in all ${rows.length}\n`);
  }
  if (maxLines === undefined) return 0;
  const long = rows.filter((r) => r.lines > maxLines);
  for (const r of long) process.stderr.write(`${r.file}: ${r.lines} lines (more than ${maxLines}: the index no longer fits one screen)\n`);
  return long.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) process.exitCode = main(process.argv.slice(2));
