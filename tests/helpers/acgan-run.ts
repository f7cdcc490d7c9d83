/** One briefly trained acgan run folder per test process (512 steps on 4,096 mnist-small digits, about 20 s), shared by the tests that need a trained conditional GAN. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from './cli.ts';

let trained: string | null = null;

export const ACGAN_ARGS = [
  '--arch',
  'acgan',
  '--dataset',
  'mnist-small',
  '--limit',
  '4096',
  '--epochs',
  '8',
  '--milestones',
  '1,4,8',
  '--milestone-steps',
  '0',
  '--eval-every',
  '0',
];

export function acganRun(): string {
  if (trained) return trained;
  const run = join(mkdtempSync(join(tmpdir(), 'ganstream-acgan-')), 'run');
  const r = runScript('scripts/train.ts', [...ACGAN_ARGS, '--out', run], 300_000);
  if (r.code !== 0) throw new Error(`the shared acgan run failed: ${r.stderr}`);
  trained = run;
  return run;
}
