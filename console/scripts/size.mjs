// Prints the built console's size: every file, raw and gzip, and what the first page loads.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = new URL('../../app/http/static/console/', import.meta.url).pathname;
const files = [];
const walk = (folder) => {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) walk(path);
    else files.push(path);
  }
};
walk(dir);
const sizes = files.map((path) => {
  const data = readFileSync(path);
  return { path: path.slice(dir.length), raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const index = readFileSync(join(dir, 'index.html'), 'utf8');
const first = sizes.filter((s) => s.path === 'index.html' || index.includes(s.path));
const sum = (list, key) => list.reduce((total, s) => total + s[key], 0);
console.log(`console build: ${files.length} files, ${kb(sum(sizes, 'raw'))} raw, ${kb(sum(sizes, 'gzip'))} gzip`);
console.log(`first load (index.html and what it references): ${kb(sum(first, 'raw'))} raw, ${kb(sum(first, 'gzip'))} gzip`);
