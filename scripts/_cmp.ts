import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { parseCheckpoint } from '../src/model/checkpoint.ts';
const [a, b] = process.argv.slice(2).map((f) => parseCheckpoint(readFileSync(f)));
if (E.isLeft(a) || E.isLeft(b)) throw new Error('parse');
let max = 0, n = 0;
for (const [k, v] of a.right.tensors) { const w = b.right.tensors.get(k)!; for (let i = 0; i < v.length; i++) { max = Math.max(max, Math.abs(v[i] - w[i])); n++; } }
console.log('tensors', a.right.tensors.size, 'values', n, 'max diff', max, 'step', (a.right.header.run as any).step, (b.right.header.run as any).step);
