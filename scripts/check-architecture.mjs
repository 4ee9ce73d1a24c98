#!/usr/bin/env node
/**
 * The architecture rules biome cannot express, run by `npm run lint`:
 * - layers, for package and relative imports alike: core/ imports nothing from docker/, ui/, cli/, backup/,
 *   compose/; ui/ nothing from dockerode or the docker adapter; docker/ nothing from ui/ or cli/;
 * - no function (declaration, method, arrow or function expression) longer than MAX_LINES lines in src/;
 * - no module-level mutable state in core/ (`let`/`var` at the top level of a module).
 * Reads the sources with the TypeScript compiler's parser; prints each violation as file:line and exits 1.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');
const MAX_LINES = 120;

/** Per layer (the first folder under src/), what its files may not import: folders under src/ or packages. */
const FORBIDDEN = {
  core: {
    folders: ['docker', 'ui', 'cli', 'backup', 'compose'],
    packages: ['dockerode', 'ink', 'react', 'node:fs', 'node:fs/promises', 'node:child_process'],
  },
  ui: { folders: ['cli'], files: ['docker/dockerode-adapter'], packages: ['dockerode', 'node:child_process'] },
  docker: { folders: ['ui', 'cli', 'backup'], packages: [] },
  backup: { folders: ['ui', 'cli'], packages: [] },
  compose: { folders: ['ui', 'cli', 'docker', 'backup'], packages: [] },
};

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const problems = [];
const where = (sf, file, node) =>
  `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;

function checkImport(sf, file, layer, node, spec) {
  const rules = FORBIDDEN[layer];
  if (!rules) return;
  if (spec.startsWith('.')) {
    const target = relative(SRC, resolve(dirname(file), spec))
      .split(sep)
      .join('/');
    const top = target.split('/')[0];
    if (target.startsWith('..')) problems.push(`${where(sf, file, node)}: ${layer}/ imports ${spec}, outside src/`);
    else if (rules.folders.includes(top))
      problems.push(`${where(sf, file, node)}: ${layer}/ must not import ${spec} (${top}/)`);
    else if ((rules.files ?? []).some((f) => target.replace(/\.(js|ts|tsx)$/, '') === f)) {
      problems.push(`${where(sf, file, node)}: ${layer}/ must not import ${spec}`);
    }
  } else if (rules.packages.some((p) => spec === p || spec.startsWith(`${p}/`))) {
    problems.push(`${where(sf, file, node)}: ${layer}/ must not import ${spec}`);
  }
}

function isFunction(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

function functionName(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return '(anonymous)';
}

for (const file of walk(SRC)) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const layer = relative(SRC, file).split(sep)[0];
  for (const st of sf.statements) {
    if (
      (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) &&
      st.moduleSpecifier &&
      ts.isStringLiteral(st.moduleSpecifier)
    ) {
      checkImport(sf, file, layer, st, st.moduleSpecifier.text);
    }
    if (layer === 'core' && ts.isVariableStatement(st) && !(st.declarationList.flags & ts.NodeFlags.Const)) {
      problems.push(
        `${where(sf, file, st)}: module-level mutable state in core/ (use const, or keep it in the caller)`,
      );
    }
  }
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) checkImport(sf, file, layer, node, arg.text);
    }
    if (isFunction(node) && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_LINES) {
        problems.push(
          `${where(sf, file, node)}: function ${functionName(node)} is ${lines} lines (at most ${MAX_LINES})`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`\n${problems.length} architecture problem(s): see scripts/check-architecture.mjs for the rules.`);
  process.exit(1);
}
