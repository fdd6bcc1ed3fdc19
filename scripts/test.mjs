#!/usr/bin/env node
// `npm test`: lint, type-check and compile, make sure the real servers the discovery tests use are
// installed (Debian packages, when root and allowed), then run every test file once.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2);

console.log('== lint');
run(bin('eslint'), ['.']);
console.log('== type-check and compile');
rmSync(path.join(root, '.build'), { recursive: true, force: true });
rmSync(path.join(root, 'dist'), { recursive: true, force: true }); // no stale modules in the packed package
run(bin('tsc'), ['-p', 'tsconfig.test.json']);
run(bin('tsc'), ['-p', 'tsconfig.json']);

if (existsSync(path.join(root, 'scripts', 'test-servers.mjs'))) {
  console.log('== real servers for the discovery tests');
  run(process.execPath, [path.join(root, 'scripts', 'test-servers.mjs'), 'ensure']);
}

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

let files = findTests(path.join(root, '.build', 'test'));
if (only.length > 0) files = files.filter((file) => only.some((part) => file.includes(part)));
console.log(`== tests (${files.length} files)`);
run(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files]);
