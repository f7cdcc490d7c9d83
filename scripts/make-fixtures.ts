#!/usr/bin/env -S npx tsx
/** Writes the small IDX fixtures in fixtures/ from the first 32 embedded digits (run once; the files are committed). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { embeddedDigits } from '../src/data/embedded.ts';
import { limitDataset } from '../src/data/dataset.ts';
import { encodeIdx } from '../src/data/idx.ts';

const d = limitDataset(embeddedDigits(), 32);
const grey = Uint8Array.from(d.images, (v) => Math.round((v + 1) * 127.5));
const images = encodeIdx([d.count, d.rows, d.cols], grey);
const labels = encodeIdx([d.count], d.labels!);
mkdirSync('fixtures/idx-gz', { recursive: true });
mkdirSync('fixtures/idx-raw', { recursive: true });
writeFileSync('fixtures/idx-gz/train-images-idx3-ubyte.gz', gzipSync(images, { level: 9 }));
writeFileSync('fixtures/idx-gz/train-labels-idx1-ubyte.gz', gzipSync(labels, { level: 9 }));
writeFileSync('fixtures/idx-raw/digits-images-idx3-ubyte', images);
writeFileSync('fixtures/idx-raw/digits-labels-idx1-ubyte', labels);
console.log('fixtures: 32 digits in fixtures/idx-gz (gzipped) and fixtures/idx-raw (raw)');
