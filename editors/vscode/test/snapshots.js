#!/usr/bin/env node
// Snapshot test of the TextMate grammar over every example .tsr in the repo.
//
// The sources live outside this package (examples/ and
// tests/lit/frontend/seeds/), and vscode-tmgrammar-snap keeps each snapshot
// next to its source as FILE.tsr.snap. So this script mirrors the sources into
// test/snapshots/<path in the repo> (those copies are git-ignored), runs
// vscode-tmgrammar-snap there, and the committed .snap files hold the
// expected scopes.
//
//   node test/snapshots.js            compare; fails on any difference, on a
//                                     source with no snapshot and on a
//                                     snapshot with no source
//   node test/snapshots.js --update   rewrite the snapshots (review the diff)
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const pkgDir = path.resolve(__dirname, '..');
const repoRoot = path.resolve(pkgDir, '..', '..');
const snapDir = path.join(__dirname, 'snapshots');
const update = process.argv.includes('--update');

// Folders of the repo (relative to its root) whose .tsr files are snapshotted.
const SOURCE_DIRS = ['examples', 'tests/lit/frontend/seeds'];

function tsrFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsrFiles(p);
    return e.isFile() && e.name.endsWith('.tsr') ? [p] : [];
  });
}

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

// Mirror the sources; drop copies whose source is gone.
const sources = SOURCE_DIRS.flatMap((d) => tsrFiles(path.join(repoRoot, d)))
  .map((p) => path.relative(repoRoot, p))
  .sort();
if (sources.length === 0) {
  console.error('snapshots: no .tsr files found under ' + SOURCE_DIRS.join(', '));
  process.exit(1);
}
const wanted = new Set(sources.map((rel) => path.join(snapDir, rel)));
for (const f of walk(snapDir)) {
  if (f.endsWith('.tsr') && !wanted.has(f)) fs.rmSync(f);
}
for (const rel of sources) {
  const dst = path.join(snapDir, rel);
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, rel), dst);
}

// A snapshot without a source, or a source without a snapshot.
const problems = [];
for (const f of walk(snapDir).filter((f) => f.endsWith('.tsr.snap'))) {
  if (wanted.has(f.slice(0, -'.snap'.length))) continue;
  if (update) {
    console.log('snapshots: removing stale ' + path.relative(pkgDir, f));
    fs.rmSync(f);
  } else {
    problems.push('stale snapshot ' + path.relative(pkgDir, f) + ' (its source is gone)');
  }
}
if (!update) {
  for (const f of wanted) {
    if (!fs.existsSync(f + '.snap')) {
      problems.push('no snapshot for ' + path.relative(repoRoot, f.slice(snapDir.length + 1)));
    }
  }
}
if (problems.length) {
  for (const p of problems) console.error('snapshots: ' + p);
  console.error('snapshots: run `npm run test:snap:update` in editors/vscode and review the .snap diff');
  process.exit(1);
}

const bin = path.join(pkgDir, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'snapshot.js');
const args = [bin, '-g', path.join(pkgDir, 'syntaxes', 'tessera.tmLanguage.json'),
  '--config', path.join(pkgDir, 'package.json'), path.relative(pkgDir, path.join(snapDir, '**', '*.tsr'))];
if (update) args.push('--updateSnapshot');
const r = spawnSync(process.execPath, args, { cwd: pkgDir, stdio: 'inherit' });
if (r.status !== 0) {
  console.error('snapshots: FAILED. If the change is intended, run `npm run test:snap:update` ' +
    'in editors/vscode and review the .snap diff.');
  process.exit(1);
}
console.log(`snapshots: ${sources.length} file(s) ${update ? 'updated' : 'match their snapshots'}`);
