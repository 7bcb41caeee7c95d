// After `vite build`: every text file of dist/ gets .br and .gz twins (node's zlib: no new
// dependency), which `assay serve` sends to browsers that accept them (src/api/api.cc ServeStatic).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2] ?? 'dist';
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
let raw = 0, br = 0, n = 0;
for (const file of walk(dir)) {
  if (!/\.(js|css|html|svg|json|txt)$/.test(file)) continue;
  const body = readFileSync(file);
  if (body.length < 512) continue;
  const b = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  writeFileSync(`${file}.br`, b);
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  raw += body.length; br += b.length; n += 1;
}
console.log(`precompressed ${n} files: ${(raw / 1024).toFixed(0)} KiB → ${(br / 1024).toFixed(0)} KiB brotli`);
