/**
 * The bad-input table: everything a user can give scripts/train.ts wrong, each with the one line it
 * must print, exit code 2, and nothing written or changed on disk. The README's troubleshooting
 * section shows the same messages; a test keeps the two in step.
 */

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeIdx } from '../src/data/idx.ts';
import { encodePng } from '../src/render/png.ts';
import { scriptEnv } from './helpers/cli.ts';

const root = resolve('.');
const tsx = import.meta.resolve('tsx');
const cwd = mkdtempSync(join(tmpdir(), 'ganstream-bad-'));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The train script run from the scratch folder, so that paths in messages are the short ones given. */
function train(args: readonly string[]): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', tsx, join(root, 'scripts/train.ts'), ...args], {
      cwd,
      env: scriptEnv(),
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

// Quality checks off: these runs only make run folders to resume and break.
const tiny = [
  '--epochs',
  '1',
  '--limit',
  '64',
  '--batch-size',
  '32',
  '--milestones',
  '1',
  '--eval-every',
  '0',
  '--backend',
  'wasm-blas',
];

// Files a user might hand over, made from the 32-digit fixture.
const images = new Uint8Array(readFileSync(join(root, 'fixtures/idx-raw/digits-images-idx3-ubyte')));
const labels = new Uint8Array(readFileSync(join(root, 'fixtures/idx-raw/digits-labels-idx1-ubyte')));
const write = (name: string, bytes: Uint8Array | string) => writeFileSync(join(cwd, name), bytes);
write(
  'badmagic-images-idx3-ubyte',
  Uint8Array.from(images, (b, i) => (i === 0 ? 0x12 : b)),
);
write('t10k-labels-idx1-ubyte', labels);
write('short-images-idx3-ubyte', images.subarray(0, images.length - 100));
write(
  'corrupt-images-idx3-ubyte.gz',
  readFileSync(join(root, 'fixtures/idx-gz/train-images-idx3-ubyte.gz')).subarray(0, 200),
);
mkdirSync(join(cwd, 'mismatch'));
write('mismatch/train-images-idx3-ubyte', images);
write('mismatch/train-labels-idx1-ubyte', encodeIdx([31], labels.subarray(8, 8 + 31)));
mkdirSync(join(cwd, 'full'));
write('full/notes.txt', 'mine');
write('afile', 'not a folder');
write('small-images-idx3-ubyte', encodeIdx([32, 16, 16], new Uint8Array(32 * 16 * 16)));
// Image folders gone wrong.
const png = (w: number, h: number) => encodePng(w, h, new Uint8Array(w * h * 4).fill(255));
mkdirSync(join(cwd, 'no-images'));
mkdirSync(join(cwd, 'texts'));
write('texts/notes.txt', 'not a picture');
mkdirSync(join(cwd, 'broken'));
write('broken/a.png', 'not a picture either');
mkdirSync(join(cwd, 'mixed'));
write('mixed/a.png', png(8, 8));
write('mixed/b.png', png(12, 10));
mkdirSync(join(cwd, 'huge'));
// A PNG whose header says 10,000 x 10,000: refused before it is decoded.
const hugeHeader = png(1, 1);
new DataView(hugeHeader.buffer).setUint32(16, 10_000);
new DataView(hugeHeader.buffer).setUint32(20, 10_000);
write('huge/huge.png', hugeHeader);
mkdirSync(join(cwd, 'empty-run'));
write('empty-run/metrics.ndjson', '');

// Two real runs: one to resume with the wrong flags or a damaged checkpoint, one of another architecture.
const made = await Promise.all([
  train([...tiny, '--out', 'run']),
  train([...tiny, '--arch', 'mlp-small', '--out', 'small']),
]);
for (const r of made) assert.is(r.code, 0, r.stderr);
cpSync(join(cwd, 'run'), join(cwd, 'old-version'), { recursive: true });
const checkpoint = readFileSync(join(cwd, 'old-version/checkpoint.bin'));
const versioned = Buffer.from(checkpoint.toString('latin1').replace('"version":1', '"version":7'), 'latin1');
assert.ok(!versioned.equals(checkpoint), 'the checkpoint header names its version');
write('old-version/checkpoint.bin', versioned);
cpSync(join(cwd, 'run'), join(cwd, 'other-arch'), { recursive: true });
cpSync(join(cwd, 'small/checkpoint.bin'), join(cwd, 'other-arch/checkpoint.bin'));

/** What a user typed, and the one line the script must answer with (after "error: "). */
export const BAD_INPUT: readonly (readonly [string, readonly string[], string])[] = [
  ['unknown flag', ['--epoch', '3'], 'unknown flag --epoch (see --help)'],
  ['flag without its value', ['--epochs'], '--epochs needs a value'],
  ['malformed number', ['--epochs', 'ten'], "--epochs: expected an integer from 1 to 100000, got 'ten'"],
  ['epochs 0', ['--epochs', '0'], "--epochs: expected an integer from 1 to 100000, got '0'"],
  [
    'a number beyond exact integers',
    ['--epochs', '99999999999999999999'],
    "--epochs: expected an integer from 1 to 100000, got '99999999999999999999'",
  ],
  [
    'a seed beyond 32 bits',
    ['--seed', '4294967296'],
    "--seed: expected an integer from 0 to 4294967295, got '4294967296'",
  ],
  [
    'an absurd plan',
    ['--epochs', '100000', '--batch-size', '1'],
    '--epochs 100000: a plan of 6,000,000,000 steps (60,000 per epoch), expected at most 100,000,000',
  ],
  ['negative rate', ['--lr', '-0.001'], "--lr: expected a number > 0 and <= 1, got '-0.001'"],
  [
    'smoothing out of range',
    ['--label-smoothing', '1.5'],
    "--label-smoothing: expected a number >= 0 and < 1, got '1.5'",
  ],
  [
    'unknown architecture',
    ['--arch', 'wgan'],
    "--arch: expected one of mlp-gbn, mlp-bn, mlp-dropout, mlp-small, mlp, dcgan, dcgan-64, dcgan-strided, cgan, acgan, got 'wgan'",
  ],
  [
    'architecture for another image size',
    ['--arch', 'dcgan', '--dataset', 'small-images-idx3-ubyte', '--batch-size', '16'],
    '--arch dcgan: its generator draws 784 pixels per image, the data has 256: expected images of 784 pixels, or an mlp architecture',
  ],
  ['unknown --on-nan', ['--on-nan', 'ignore'], "--on-nan: expected one of stop, rollback, got 'ignore'"],
  ['stray word', ['mnist'], "unexpected argument 'mnist': flags start with -- (see --help)"],
  [
    'batch larger than the data',
    ['--limit', '100', '--batch-size', '128'],
    '--batch-size 128 is larger than the 100 images of the dataset (--limit 100): expected at most 100',
  ],
  [
    'dataset path missing',
    ['--dataset', 'digits/'],
    '--dataset: path does not exist: digits/ (expected mnist, mnist-small, fashion-mnist, a folder of IDX files, an IDX images file, or a folder or .zip of PNG and JPEG images)',
  ],
  [
    'an empty image folder',
    ['--dataset', 'no-images'],
    '--dataset: no-images: no PNG or JPEG images (the folder is empty), expected *.png, *.jpg or *.jpeg files, in one subfolder per class or all in the folder itself',
  ],
  [
    'a folder of other files',
    ['--dataset', 'texts'],
    '--dataset: texts: no PNG or JPEG images (1 other files, such as notes.txt), expected *.png, *.jpg or *.jpeg files, in one subfolder per class or all in the folder itself',
  ],
  [
    'only a corrupt image',
    ['--dataset', 'broken'],
    '--dataset: broken: none of its 1 image files can be read (a.png: not a PNG or JPEG image (20 bytes starting 6e 6f 74 20))',
  ],
  [
    'images of mixed sizes',
    ['--dataset', 'mixed'],
    '--dataset: mixed: images of mixed sizes (a.png is 8x8, b.png 12x10): expected --image-size N to cut each to its centred square and scale it to N x N',
  ],
  [
    'an image of 10,000 x 10,000',
    ['--dataset', 'huge'],
    '--dataset: huge: huge.png is 10000x10000 pixels, expected at most 4096 on a side (shrink the images first)',
  ],
  [
    'an image size too big to train here',
    ['--dataset', 'mixed', '--image-size', '256'],
    "--image-size: expected an integer from 1 to 64, got '256'",
  ],
  [
    'channels neither grey nor colour',
    ['--dataset', 'mixed', '--channels', '2'],
    "--channels: expected 1 or 3, got '2'",
  ],
  [
    '--image-size for IDX data',
    ['--dataset', 'small-images-idx3-ubyte', '--image-size', '28'],
    '--image-size 28: the dataset small-images-idx3-ubyte is not a folder of images (its 16x16 grey images are used as they are): expected --dataset to name a folder or .zip of PNG or JPEG images',
  ],
  [
    'IDX wrong magic number',
    ['--dataset', 'badmagic-images-idx3-ubyte'],
    '--dataset: badmagic-images-idx3-ubyte: not an IDX file: magic number 0x12000803, expected 0x00000803',
  ],
  [
    'IDX wrong dimensions (labels given as images)',
    ['--dataset', 't10k-labels-idx1-ubyte'],
    '--dataset: t10k-labels-idx1-ubyte: IDX file has 1 dimensions (magic 0x00000801), expected 3 (magic 0x00000803, images)',
  ],
  [
    'IDX truncated',
    ['--dataset', 'short-images-idx3-ubyte'],
    '--dataset: short-images-idx3-ubyte: truncated IDX data: 24988 bytes for dimensions 32x28x28, expected 25088',
  ],
  [
    'labels do not match the images',
    ['--dataset', 'mismatch'],
    '--dataset: mismatch/train-labels-idx1-ubyte: 31 labels do not match the 32 images of mismatch/train-images-idx3-ubyte, expected 32',
  ],
  [
    'corrupt gzip',
    ['--dataset', 'corrupt-images-idx3-ubyte.gz'],
    '--dataset: corrupt-images-idx3-ubyte.gz: corrupt gzip data (unexpected end of file)',
  ],
  [
    '--out exists and is not empty',
    ['--out', 'full'],
    '--out: folder full exists and is not empty (1 entries); choose another --out, --force to write into it, or --resume full to continue it',
  ],
  [
    '--out cannot be written',
    ['--out', 'afile/run'],
    '--out: cannot create or write folder afile/run (ENOTDIR): expected a folder this user can write',
  ],
  ['--resume without a run folder', ['--resume', 'nowhere'], '--resume: no run folder at nowhere'],
  [
    '--resume of a folder with no checkpoint',
    ['--resume', 'empty-run'],
    '--resume: empty-run holds no checkpoint.bin (checkpoints are written at each epoch end): nothing to resume from',
  ],
  [
    '--resume with another architecture',
    ['--resume', 'run', '--arch', 'mlp'],
    '--resume: arch "mlp" does not match the run being resumed ("mlp-gbn"); leave it out to keep the recorded value',
  ],
  [
    '--resume with another batch size',
    ['--resume', 'run', '--batch-size', '16'],
    '--resume: batchSize 16 does not match the run being resumed (32); leave it out to keep the recorded value',
  ],
  [
    'checkpoint from another version',
    ['--resume', 'old-version'],
    '--resume: old-version/checkpoint.bin: checkpoint version 7, expected 1',
  ],
  [
    'checkpoint from another architecture',
    ['--resume', 'other-arch'],
    '--resume: other-arch/checkpoint.bin is of architecture mlp-small, but metrics.ndjson records a run of mlp-gbn: expected the checkpoint of this run',
  ],
];

/** Every file under the scratch folder with its size and modification time. */
function tree(dir = cwd, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      const s = statSync(path);
      return s.isDirectory()
        ? [`${prefix}${name}/`, ...tree(path, `${prefix}${name}/`)]
        : [`${prefix}${name} ${s.size} ${s.mtimeMs}`];
    });
}

test('every bad input: its one line on stderr, nothing on stdout, exit 2, nothing written or changed', async () => {
  const before = tree();
  const results: Ran[] = [];
  for (let i = 0; i < BAD_INPUT.length; i += 2)
    results.push(...(await Promise.all(BAD_INPUT.slice(i, i + 2).map(([, argv]) => train(argv)))));
  BAD_INPUT.forEach(([what, argv, message], i) => {
    const r = results[i];
    assert.is(r.stderr, `error: ${message}\n`, `${what} (${argv.join(' ')})`);
    assert.is(r.code, 2, `${what}: exit code`);
    assert.is(r.stdout, '', `${what}: stdout`);
  });
  assert.equal(tree(), before, 'no file created or touched');
});

test("the README's troubleshooting table shows each case's message as it is", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Troubleshooting'));
  assert.ok(section.length < readme.length, 'README has a Troubleshooting section');
  for (const [what, , message] of BAD_INPUT)
    assert.ok(section.includes(`\`error: ${message}\``), `${what}: ${message}`);
});

test.run();
