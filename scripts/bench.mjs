#!/usr/bin/env node
// `npm run bench -- [name…] [--option…]`: compiles (tsc -p tsconfig.test.json, into .build/), then
// runs `node .build/bench/<name>.js` for each name, one after another, passing the --options on.
//
// Without names it runs every benchmark: each bench/*.ts file that no other bench/*.ts file imports
// (so helper modules such as bench/engine-clients.ts are not run on their own; bench/common/ and
// other folders hold helpers). Add a benchmark by adding bench/<name>.ts; nothing to register.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const args = process.argv.slice(2);
const options = args.filter((arg) => arg.startsWith('-'));
const requested = args.filter((arg) => !arg.startsWith('-')).map((name) => name.replace(/^bench\//, '').replace(/\.(ts|js)$/, ''));

if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm run bench -- [name…] [--option…]\n\nbenchmarks: ' + entryPoints().join(', '));
  process.exit(0);
}

/** Top-level bench/*.ts files that no other top-level bench file imports. */
function entryPoints() {
  const files = readdirSync(benchDir).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
  const imported = new Set();
  for (const file of files) {
    const source = readFileSync(path.join(benchDir, file), 'utf8');
    for (const match of source.matchAll(/from\s+['"]\.\/([^'"/]+)\.js['"]/g)) imported.add(match[1]);
  }
  return files.map((file) => file.slice(0, -3)).filter((name) => !imported.has(name)).sort();
}

const available = entryPoints();
const names = requested.length > 0 ? requested : available;
const unknown = names.filter((name) => !existsSync(path.join(benchDir, `${name}.ts`)));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

console.log('== compile (tsc -p tsconfig.test.json)');
const tsc = spawnSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.test.json'], { cwd: root, encoding: 'utf8' });
if (tsc.status !== 0) {
  // tsc still emits; a type error elsewhere in the tree must not stop a benchmark that compiled.
  const errors = (tsc.stdout + tsc.stderr).split('\n').filter((line) => /error TS\d+/.test(line));
  const ours = errors.filter((line) => names.some((name) => line.startsWith(`bench/${name}.ts`)) || line.startsWith('bench/common/'));
  console.warn(`tsc reported ${errors.length} error(s)${errors.length > 0 ? `, e.g. ${errors[0]}` : ''}`);
  if (ours.length > 0) {
    console.error(ours.join('\n'));
    process.exit(1);
  }
}

const failed = [];
for (const name of names) {
  const script = path.join(root, '.build', 'bench', `${name}.js`);
  if (!existsSync(script)) {
    console.error(`${name}: ${path.relative(root, script)} was not produced by tsc`);
    failed.push(name);
    continue;
  }
  console.log(`\n== bench ${name}`);
  const run = spawnSync(process.execPath, [script, ...options], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
