// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.js';

const dir = mkdtempSync(join(tmpdir(), 'import-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

describe('importGraph', () => {
  it('follows relative runtime imports, records bare ones, skips type-only imports and comments', () => {
    file('b.ts', "export { c } from './sub/c.js';\nimport 'side-effect';\n");
    file('sub/c.ts', "export const c = await import('dyn');\n");
    file('types.ts', "import 'never-loaded';\n");
    const entry = file(
      'a.ts',
      [
        "import type { T } from './types.js';",
        "export type { U } from './types.js';",
        "import { b, type V } from './b.js';",
        '// import x from "commented";',
        "/* import y from 'blocked'; */",
        'import {',
        '  readFile,',
        "} from 'node:fs';",
        "export function f(): string { return 'from x'; }",
        "export * from 'pkg/deep';",
      ].join('\n'),
    );
    const graph = importGraph(entry);
    expect(graph.files.map((f) => f.slice(dir.length + 1))).toEqual(['a.ts', 'b.ts', 'sub/c.ts']);
    expect([...graph.externals.keys()].sort()).toEqual(['dyn', 'node:fs', 'pkg/deep', 'side-effect']);
    expect(graph.externals.get('dyn')).toBe(join(dir, 'sub/c.ts'));
  });

  it('enters workspace packages through their @taptr/source export', () => {
    // A file inside the workspace (its node_modules link @taptr/* to the packages).
    const inside = join(fileURLToPath(new URL('../../node_modules/.cache', import.meta.url)), `import-graph-${process.pid}`);
    mkdirSync(inside, { recursive: true });
    try {
      const entry = join(inside, 'uses-tensor.ts');
      writeFileSync(entry, "import { TaptrError } from '@taptr/tensor';\nimport { importGraph } from '@taptr/tensor/testing';\n");
      const graph = importGraph(entry);
      expect(graph.workspace.get('@taptr/tensor')).toMatch(/packages[\\/]tensor[\\/]src[\\/]index\.ts$/);
      expect(graph.workspace.get('@taptr/tensor/testing')).toMatch(/packages[\\/]tensor[\\/]src[\\/]testing[\\/]index\.ts$/);
      expect(graph.files).toContain(fileURLToPath(new URL('./import-graph.ts', import.meta.url)));
      expect(graph.externals.has('node:fs')).toBe(true);
    } finally {
      rmSync(inside, { recursive: true, force: true });
    }
    expect(() => importGraph(file('missing.ts', "import './nope.js';\n"))).toThrow(/imports \.\/nope\.js, which resolves to none of/);
  });
});
