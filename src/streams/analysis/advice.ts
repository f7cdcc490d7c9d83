/**
 * What to try when a warning fires, worded for the run it fires in: a remedy already in effect
 * (label smoothing on, the LSGAN loss, a weight average, a discriminator with dropout) is not
 * suggested again, and the learning rate is quoted as it is. Without the run's settings (a bare
 * stream of steps), the general advice.
 */
import { ARCHITECTURES } from '../../model/architectures.ts';
import type { TrainConfig } from '../config.ts';

export type Remedy = 'lower-lr' | 'smoothing-on' | 'smoothing-off' | 'lsgan' | 'ema' | 'dropout-d' | 'larger-d';
export type RunSettings = Pick<TrainConfig, 'arch' | 'lr' | 'labelSmoothing' | 'loss' | 'ema'>;

const discriminatorOf = (s: RunSettings) => ARCHITECTURES[s.arch]?.discriminator ?? [];
const widestDense = (s: RunSettings) =>
  Math.max(0, ...discriminatorOf(s).map((l) => (l.kind === 'dense' && typeof l.units === 'number' ? l.units : 0)));

/** The remedy's words for this run, or null when it is already in effect. */
function phrase(remedy: Remedy, s: RunSettings | null): string | null {
  switch (remedy) {
    case 'lower-lr':
      return s ? `a lower --lr (now ${s.lr})` : 'a lower --lr';
    case 'smoothing-on':
      return s && s.labelSmoothing > 0 ? null : '--label-smoothing 0.1';
    case 'smoothing-off':
      return s && s.labelSmoothing > 0
        ? `--label-smoothing 0 (now ${s.labelSmoothing}, which holds D's targets back)`
        : null;
    case 'lsgan':
      return s?.loss === 'lsgan' ? null : '--loss lsgan';
    case 'ema':
      return s && s.ema > 0 ? null : '--ema 0.999';
    case 'dropout-d':
      return s && discriminatorOf(s).some((l) => l.kind === 'dropout')
        ? null
        : 'a discriminator with dropout (--arch mlp-gbn)';
    case 'larger-d':
      return s && widestDense(s) >= 1024 ? null : 'a larger discriminator (--arch mlp-gbn: 1024-512-256)';
  }
}

/** "Try a, b, or c." from the remedies that apply to this run, in the order given; '' when none does. */
export function advice(remedies: readonly Remedy[], s: RunSettings | null): string {
  const words = remedies.map((r) => phrase(r, s)).filter((p): p is string => p !== null);
  if (words.length === 0) return '';
  const list =
    words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')}${words.length > 2 ? ',' : ''} or ${words.at(-1)}`;
  return ` Try ${list}.`;
}
