import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { embeddedDigits } from '../src/data/embedded.ts';
import { normals, seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { allVariables } from '../src/model/network.ts';
import { dStep } from '../src/model/steps.ts';
import { fitDataset } from '../src/plan/fit-dataset.ts';
import { resumedConfig } from '../src/plan/resume.ts';
import { decodeTrainArgs, HELP } from '../src/plan/train-options.ts';
import { FORM_FLAGS, RESUME_FLAGS } from '../src/studio/form.ts';
import { decodeForm } from '../src/studio/requests.ts';
import { runScript, runScriptAsync, scriptEnv } from './helpers/cli.ts';
import { errorOf, unwrap } from './helpers/either.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ganstream-cli-'));
const configOf = (argv: string[]) => {
  const r = unwrap(decodeTrainArgs(argv, new Date('2026-11-22T10:20:30Z')));
  if (r.help) throw new Error('help');
  return r.config;
};

test('defaults: the default architecture and its learning rate, MNIST, timestamped run folder', () => {
  const c = configOf([]);
  assert.is(c.arch, 'mlp-gbn');
  assert.is(c.lr, 4e-4);
  assert.is(c.labelSmoothing, 0.1);
  assert.is(c.ema, 0.999);
  assert.is(c.epochs, 12);
  assert.is(c.batchSize, 64);
  assert.is(c.beta1, 0.5);
  assert.is(c.noiseDim, 100);
  assert.is(c.dataset, 'mnist');
  assert.is(c.loss, 'bce');
  assert.is(c.out, 'runs/2026-11-22T10-20-30');
  assert.equal(c.milestones, [1, 3, 10, 30, 100, 200, 400]);
  assert.equal(c.milestoneSteps, [1, 50, 200, 500]);
  assert.equal(configOf(['--milestone-steps', '0']).milestoneSteps, [0], '0: none (milestoneSteps drops it)');
});

test('flags in both spellings; the architecture brings its noise size and learning rate', () => {
  const c = configOf([
    '--arch',
    'mlp-small',
    '--epochs=3',
    '--batch-size',
    '32',
    '--milestones',
    '1,2',
    '--label-smoothing',
    '0.2',
    '--loss',
    'lsgan',
    '--limit',
    '100',
  ]);
  assert.is(c.noiseDim, 96);
  assert.is(c.lr, 1e-3);
  assert.is(c.epochs, 3);
  assert.is(c.batchSize, 32);
  assert.equal(c.milestones, [1, 2]);
  assert.is(c.labelSmoothing, 0.2);
  assert.is(c.loss, 'lsgan');
  assert.is(c.limit, 100);
  assert.is(configOf(['--arch', 'mlp-small', '--lr', '3e-4']).lr, 3e-4);
  assert.is(configOf(['--arch', 'mlp-bn']).labelSmoothing, 0, 'the references do not smooth');
  assert.is(configOf(['--label-smoothing', '0']).labelSmoothing, 0);
  assert.ok(unwrap(decodeTrainArgs(['--help'])).help);
});

test('--beta2, a row of the flag table: decoded, refused out of range, in the help, the studio form and the resume rule; Adam uses it', () => {
  assert.is(configOf(['--beta2', '0.99']).beta2, 0.99);
  assert.not.ok('beta2' in configOf([]), 'left out by default: the record keeps its shape, Adam its 0.999');
  assert.is(errorOf(decodeTrainArgs(['--beta2', '1'])), "--beta2: expected a number >= 0 and < 1, got '1'");
  assert.match(
    HELP,
    /\n {2}--beta2 X {13}Adam beta2: the decay of its average of squared gradients \(default 0\.999\)\n/,
  );
  // The studio: a start request may set it (decoded by the same codec), a resume may not change it.
  assert.is(unwrap(decodeForm({ beta2: '0.9' }, FORM_FLAGS)).config.beta2, 0.9);
  assert.equal(errorOf(decodeForm({ beta2: '2' }, FORM_FLAGS)).fields, {
    beta2: "--beta2: expected a number >= 0 and < 1, got '2'",
  });
  assert.match(errorOf(decodeForm({ beta2: '0.9' }, RESUME_FLAGS)).message, /^--beta2: not a setting here/);
  const recorded = configOf(['--beta2', '0.99']);
  assert.is(
    errorOf(resumedConfig(recorded, { beta2: 0.9 }, 8, 4)),
    '--resume: beta2 0.9 does not match the run being resumed (0.99); leave it out to keep the recorded value',
  );
  assert.is(unwrap(resumedConfig(recorded, {}, 8, 4)).beta2, 0.99);
  // Adam reads it: one step from the same start moves D's weights differently with another beta2.
  const weightsAfterStep = (beta2?: number) => {
    const gan = createGan(ARCHITECTURES['mlp-small'], {
      pixels: 784,
      seed: 1,
      lr: 1e-3,
      beta1: 0.5,
      ...(beta2 === undefined ? {} : { beta2 }),
    });
    const rng = seeded(2);
    const real = Float32Array.from({ length: 8 * 784 }, () => rng.uniform() * 2 - 1);
    for (let i = 0; i < 2; i++)
      dStep(gan, real, normals(rng, 8 * gan.noiseDim), { loss: 'bce', labelSmoothing: 0, dropoutSeed: i });
    const values = Array.from(allVariables(gan.discriminator)[0].dataSync());
    disposeGan(gan);
    return values;
  };
  const standard = weightsAfterStep();
  assert.equal(weightsAfterStep(0.999), standard, 'absent means 0.999');
  assert.not.equal(weightsAfterStep(0.9), standard);
});

test('a dataset in memory fitted to the flags, as a page will: the limit, labels for a conditional run, the batch, the plan', () => {
  const digits = embeddedDigits();
  const fitted = unwrap(fitDataset(configOf(['--limit', '512']), digits));
  assert.is(fitted.count, 512);
  assert.equal(fitted.labels, digits.labels!.subarray(0, 512));
  assert.is(
    errorOf(fitDataset(configOf(['--limit', '32']), digits)),
    '--batch-size 64 is larger than the 32 images of the dataset (--limit 32): expected at most 32',
  );
  assert.match(
    errorOf(fitDataset(configOf(['--arch', 'acgan']), { ...digits, labels: null })),
    /^--arch acgan is conditional and the dataset mnist-small .* has no labels/,
  );
  assert.is(
    errorOf(fitDataset(configOf(['--epochs', '100000', '--batch-size', '1']), digits)),
    '--epochs 100000: a plan of 1,000,000,000 steps (10,000 per epoch), expected at most 100,000,000',
  );
});

test('bare switches: --force and --resume decode beside valued flags', () => {
  const r = unwrap(decodeTrainArgs(['--force', '--epochs', '2', '--out', 'x']));
  assert.ok(!r.help && r.force && r.resume === null && r.config.epochs === 2);
  assert.equal(!r.help && r.given, { epochs: 2, out: 'x' });
  const s = unwrap(decodeTrainArgs(['--resume', 'runs/a', '--epochs=9']));
  assert.ok(!s.help && !s.force && s.resume === 'runs/a');
});

const badInput: [string[], RegExp][] = [
  [['--epochs', '-3'], /^--epochs: expected an integer from 1 to 100000, got '-3'$/],
  [['--epochs', '0'], /^--epochs: expected an integer from 1 to 100000, got '0'$/],
  [['--epochs', '2.5'], /^--epochs: expected an integer from 1 to 100000, got '2.5'$/],
  [
    ['--arch', 'foo'],
    /^--arch: expected one of mlp-gbn, mlp-bn, mlp-dropout, mlp-small, mlp, dcgan, dcgan-64, dcgan-strided, cgan, acgan, got 'foo'$/,
  ],
  [['--lr', 'abc'], /^--lr: expected a number > 0 and <= 1, got 'abc'$/],
  [['--lr', '-0.1'], /^--lr: expected a number > 0 and <= 1, got '-0.1'$/],
  [['--loss', 'wgan'], /^--loss: expected one of bce, lsgan, got 'wgan'$/],
  [['--label-smoothing', '1'], /^--label-smoothing: expected a number >= 0 and < 1, got '1'$/],
  [['--milestones', '1,x'], /^--milestones: expected a comma-separated list of integers >= 1, got '1,x'$/],
  [['--backend', 'gpu'], /^--backend: expected one of auto, tensorflow, wasm-blas, wasm, webgl, cpu, got 'gpu'$/],
  [['--frobnicate'], /^unknown flag --frobnicate \(see --help\)$/],
  [['--epochs'], /^--epochs needs a value$/],
  [['--epochs', '2', '--epochs', '3'], /^--epochs is given twice$/],
  [['stray'], /^unexpected argument 'stray'/],
  [['--help=yes'], /^--help takes no value/],
];

for (const [argv, message] of badInput) {
  test(`bad input ${argv.join(' ')}: one clear message`, () => {
    assert.match(errorOf(decodeTrainArgs(argv)), message);
  });
}

test('the script: a bad flag, a missing dataset, a too-large batch, a non-empty --out: one line on stderr, exit 2, nothing created', async () => {
  const full = join(tmp, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'keep.txt'), 'mine');
  const cases: [string[], RegExp][] = [
    [['--epochs', '-3'], /^error: --epochs: expected an integer from 1 to 100000, got '-3'\n$/],
    [
      ['--dataset', join(tmp, 'missing')],
      /^error: --dataset: path does not exist: .*missing \(expected mnist, mnist-small, fashion-mnist, a folder of IDX files, an IDX images file, or a folder or \.zip of PNG and JPEG images\)\n$/,
    ],
    [
      ['--limit', '100', '--batch-size', '128'],
      /^error: --batch-size 128 is larger than the 100 images of the dataset \(--limit 100\): expected at most 100\n$/,
    ],
    [
      ['--out', full],
      /^error: --out: folder .*full exists and is not empty \(1 entries\); choose another --out, --force to write into it, or --resume .*full to continue it\n$/,
    ],
  ];
  const outOf = (argv: string[]) => join(tmp, `run-${argv[0].slice(2)}`);
  const ran = await Promise.all(
    cases.map(([argv]) =>
      runScriptAsync('scripts/train.ts', argv.includes('--out') ? argv : [...argv, '--out', outOf(argv)]),
    ),
  );
  cases.forEach(([argv, message], i) => {
    const r = ran[i];
    assert.is(r.code, 2, `${argv.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stdout, '');
    if (!argv.includes('--out')) assert.not.ok(existsSync(outOf(argv)), `${outOf(argv)} must not be created`);
  });
});

test("--force writes into a non-empty --out and keeps files that are not the run's", () => {
  const dir = join(tmp, 'forced');
  mkdirSync(dir);
  writeFileSync(join(dir, 'keep.txt'), 'mine');
  const r = runScript('scripts/train.ts', [
    '--force',
    '--out',
    dir,
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
    'wasm',
  ]);
  assert.is(r.code, 0, r.stderr);
  assert.ok(
    existsSync(join(dir, 'keep.txt')) &&
      existsSync(join(dir, 'metrics.ndjson')) &&
      existsSync(join(dir, 'generator', 'model.json')),
  );
});

test("the README's Flags section shows --help as it is (the flag table's help)", () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.ok(readme.includes(`## Flags\n\n\`\`\`\n${HELP}\`\`\``), 'README quotes HELP verbatim under ## Flags');
});

test('--help prints the flags and exits 0', () => {
  const r = runScript('scripts/train.ts', ['--help']);
  assert.is(r.code, 0);
  for (const flag of [
    '--epochs',
    '--batch-size',
    '--lr',
    '--beta1',
    '--noise-dim',
    '--arch',
    '--loss',
    '--label-smoothing',
    '--seed',
    '--dataset',
    '--limit',
    '--milestones',
    '--out',
    '--backend',
  ]) {
    assert.ok(r.stdout.includes(flag), flag);
  }
});

test('every script answers --help: usage on stdout, exit 0, nothing on stderr, nothing written', async () => {
  const scripts = readdirSync('scripts').filter((f) => f.endsWith('.ts'));
  assert.ok(scripts.length >= 7, scripts.join(' '));
  const before = statSync('fixtures/streams/healthy.ndjson').mtimeMs;
  const ran = await Promise.all(scripts.map((script) => runScriptAsync(join('scripts', script), ['--help'])));
  scripts.forEach((script, i) => {
    const r = ran[i];
    assert.is(r.code, 0, `${script}: ${r.stderr}`);
    assert.is(r.stderr, '', script);
    assert.match(r.stdout, /^Usage: /, script);
  });
  assert.is(statSync('fixtures/streams/healthy.ndjson').mtimeMs, before, 'make-fixtures --help wrote nothing');
});

test('the ganstream command (package.json bin), run from another folder through a link as npm makes it: commands, their --help, a short run, an unknown command', () => {
  const bin = JSON.parse(readFileSync('package.json', 'utf8')).bin.ganstream;
  const elsewhere = mkdtempSync(join(tmpdir(), 'ganstream-bin-'));
  const link = join(elsewhere, 'ganstream');
  symlinkSync(resolve(bin), link);
  const run = (args: string[]) =>
    spawnSync(link, args, {
      cwd: elsewhere,
      encoding: 'utf8',
      timeout: 120_000,
      env: scriptEnv(),
    });
  const help = run(['--help']);
  assert.is(help.status, 0, help.stderr);
  for (const command of ['train', 'studio', 'replay', 'generate', 'evaluate', 'bench', 'train-classifier'])
    assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  assert.match(run(['train', '--help']).stdout, /^Usage: npm run train/);
  const trained = run([
    'train',
    '--epochs',
    '1',
    '--limit',
    '64',
    '--batch-size',
    '32',
    '--eval-every',
    '0',
    '--out',
    'run',
  ]);
  assert.is(trained.status, 0, trained.stderr);
  assert.ok(
    existsSync(join(elsewhere, 'run', 'generator', 'model.json')),
    "the run folder is made in the caller's folder",
  );
  const unknown = run(['trian']);
  assert.equal([unknown.status, unknown.stdout], [2, '']);
  assert.is(
    unknown.stderr,
    "error: unknown command 'trian': expected one of train, studio, site, replay, generate, evaluate, bench, train-classifier (see ganstream --help)\n",
  );
});

test.run();
