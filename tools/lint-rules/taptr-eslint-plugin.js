// SPDX-License-Identifier: Apache-2.0
// Repository-specific lint rules (ESLint flat-config plugin `taptr`).
//
// no-cross-package-path: a file must not name a path inside another package's folder. Imports are
// checked by @nx/enforce-module-boundaries; this rule checks the paths built from the file's own
// location, which no import checker sees: `new URL('<relative>', import.meta.url)` and
// `join | resolve(import.meta.dirname | dirname(fileURLToPath(import.meta.url)), '<part>', ...)`.
// Fixtures come from @taptr/fixtures, another package's files from its exports.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** The folder of the nearest package.json at or above `path` (which need not exist). @param {string} path */
function packageRoot(path) {
  for (let d = path; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** The workspace root: the nearest folder above `dir` whose package.json has `workspaces`. @param {string} dir */
function workspaceRoot(dir) {
  for (let d = dir; ; d = dirname(d)) {
    const manifest = join(d, 'package.json');
    if (existsSync(manifest) && 'workspaces' in /** @type {object} */ (JSON.parse(readFileSync(manifest, 'utf8')))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** @param {import('estree').Node | undefined} node */
function isImportMetaUrl(node) {
  return node?.type === 'MemberExpression' && node.object.type === 'MetaProperty' && node.property.type === 'Identifier' && node.property.name === 'url';
}

/** `import.meta.dirname`, or `dirname(fileURLToPath(import.meta.url))`. @param {import('estree').Node | undefined} node */
function isOwnDirectory(node) {
  if (node?.type === 'MemberExpression' && node.object.type === 'MetaProperty' && node.property.type === 'Identifier') {
    return node.property.name === 'dirname';
  }
  if (node?.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'dirname') return false;
  const inner = node.arguments[0];
  return inner?.type === 'CallExpression' && inner.callee.type === 'Identifier' && inner.callee.name === 'fileURLToPath' && isImportMetaUrl(inner.arguments[0]);
}

/** @param {import('estree').Node | undefined} node */
const literal = (node) => (node?.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined);

/** @type {import('eslint').Rule.RuleModule} */
const noCrossPackagePath = {
  meta: {
    type: 'problem',
    docs: { description: "disallow paths, built from the file's own location, into another package's folder" },
    messages: {
      outside: "'{{path}}' reaches into another package's folder from {{pkg}}: import that package (fixtures: @taptr/fixtures) instead",
    },
    schema: [],
  },
  create(context) {
    const fileDir = dirname(context.filename);
    const root = packageRoot(fileDir);
    if (root === undefined) return {};
    const workspace = workspaceRoot(root);
    /**
     * Reports a path into another package's folder (the workspace root itself and files outside any package are fine).
     * @param {import('estree').Node} node @param {string} target @param {string} shown
     */
    const check = (node, target, shown) => {
      const owner = packageRoot(target);
      if (owner !== undefined && owner !== root && owner !== workspace) {
        context.report({ node, messageId: 'outside', data: { path: shown, pkg: relative(workspace ?? root, root) } });
      }
    };
    return {
      NewExpression(node) {
        if (node.callee.type !== 'Identifier' || node.callee.name !== 'URL' || !isImportMetaUrl(node.arguments[1])) return;
        const path = literal(node.arguments[0]);
        if (path?.startsWith('.')) check(node, resolve(fileDir, path), path);
      },
      CallExpression(node) {
        if (node.callee.type !== 'Identifier' || (node.callee.name !== 'join' && node.callee.name !== 'resolve')) return;
        if (!isOwnDirectory(node.arguments[0])) return;
        /** @type {string[]} */
        const parts = [];
        for (const arg of node.arguments.slice(1)) {
          const part = literal(arg);
          if (part === undefined) break; // a computed part: only the literal prefix is known
          parts.push(part);
        }
        if (parts.length > 0) check(node, resolve(fileDir, ...parts), parts.join('/'));
      },
    };
  },
};

/** @type {import('eslint').ESLint.Plugin} */
const plugin = { meta: { name: 'taptr' }, rules: { 'no-cross-package-path': noCrossPackagePath } };
export default plugin;
