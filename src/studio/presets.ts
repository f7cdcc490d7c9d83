/**
 * Settings that teach, as form values (CLI flags): the default, the references' traps, and a
 * quick look. The page offers them; the server decodes them like anything the page sends.
 */
import type { Preset } from './answers.ts';

export const PRESETS: readonly Preset[] = [
  {
    name: 'default',
    title: 'The default run',
    lesson:
      "ganstream's default: MNIST's 60,000 digits, the MLP with BatchNorm in G only, label smoothing, a weight-averaged G. Digits after about one epoch, clean ones after ten.",
    flags: {},
  },
  {
    name: 'quick',
    title: 'A quick look (2,048 digits)',
    lesson:
      'The default networks on the first 2,048 digits of the small set: shapes within a minute, rough digits in a few.',
    flags: { dataset: 'mnist-small', limit: '2048', epochs: '30', 'snapshot-every': '10', 'eval-every': '5' },
  },
  {
    name: 'conditional',
    title: 'Choose the digit (AC-GAN)',
    lesson:
      'G is told which digit to draw and D also says which digit it sees: the milestone grids get one row per digit, the same noise in every row. Watch the quality checks\' "intended" share climb as G learns what the label means.',
    flags: { arch: 'acgan' },
  },
  {
    name: 'reference-000',
    title: 'Reference 000 as written (the BatchNorm trap)',
    lesson:
      'BatchNorm in D normalises the all-real and the all-fake batch apart, so D cannot tell them apart: its accuracy sits at 50% and G learns nothing. Watch the D accuracy curve.',
    flags: { arch: 'mlp-bn', 'label-smoothing': '0', ema: '0', epochs: '3' },
  },
  {
    name: 'reference-004',
    title: 'Reference 004 (mode collapse)',
    lesson:
      'No BatchNorm and no weight average: G finds a few digits that fool D and keeps drawing them. Watch the class histogram of the quality checks narrow.',
    flags: { arch: 'mlp', 'label-smoothing': '0', ema: '0', epochs: '3', 'eval-every': '1' },
  },
];

/**
 * The presets a browser tab offers (those of the datasets the site carries), the quick look
 * first: the form starts from it, since the default run takes about half an hour on one core's
 * WebAssembly (12 epochs of 60,000 digits at about 340 images/s).
 */
export function tabPresets(datasets: readonly string[]): Preset[] {
  const offered = PRESETS.filter((p) => datasets.includes(p.flags.dataset ?? 'mnist'));
  return [...offered.filter((p) => p.name === 'quick'), ...offered.filter((p) => p.name !== 'quick')];
}
