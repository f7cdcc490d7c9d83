/** `scripts/train.ts` flags, decoded with io-ts into a TrainConfig, or a one-line error naming the flag: all from the flag table. */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { ARCHITECTURE_NAMES, ARCHITECTURES, DEFAULT_ARCHITECTURE } from '../model/architectures.ts';
import type { TrainConfig } from '../streams/config.ts';
import { SETTINGS, settingOf } from './flag-table.ts';
import { parseFlags } from './flags.ts';

export { defaultOutDir, LIMITS } from './flag-table.ts';

/** Flags that are not settings of the run: the run to continue, and two switches. */
const RESUME = 'resume';
const SWITCHES = ['help', 'force'];

/** `--flag VALUE` and its help lines, the help in a column of its own. */
function helpLines(flag: string, value: string, help: readonly string[]): string[] {
  const head = `  --${flag}${value ? ` ${value}` : ''}`;
  const column = 24;
  const [first, ...rest] = help;
  const lines = head.length < column - 1 ? [`${head.padEnd(column)}${first}`] : [head, `${' '.repeat(column)}${first}`];
  return [...lines, ...rest.map((l) => `${' '.repeat(column)}${l}`)];
}

export const HELP = `Usage: npm run train -- [flags]     (also: ./scripts/train.ts, deno task train)

Trains a GAN on MNIST-style images and writes a run folder: metrics.ndjson, the milestone grids
step_<N>.png and epoch_<N>.png, final_results.png, summary.json, generator/ and discriminator/
(TensorFlow.js layers format).

${SETTINGS.flatMap((s) => [
  ...helpLines(s.flag, s.value, s.help),
  ...(s.flag === 'arch'
    ? ARCHITECTURE_NAMES.map((n) => `                          ${n}: ${ARCHITECTURES[n].summary}`)
    : []),
]).join('\n')}
${helpLines(RESUME, 'DIR', [
  'continue the run in DIR from its checkpoint, appending to its record; only',
  `${SETTINGS.filter((s) => s.onResume === 'may change' && s.flag !== 'out')
    .map((s) => `--${s.flag}`)
    .join(', ')} may change (--epochs to extend it);`,
  "a run archive DIR.zip (the site's Download) is unpacked into DIR first",
]).join('\n')}
${helpLines('force', '', ['write into an --out folder that is not empty']).join('\n')}
${helpLines('help', '', ['this text']).join('\n')}

Ctrl-C (or SIGTERM) stops after the current step with a checkpoint; Ctrl-C again, a second or more
after the first, quits at once (copies within a second are taken for the one npm relays).
`;

/** A complete TrainConfig from a few choices: the CLI's defaults for the rest (the architecture's lr and noise size). */
export function trainConfig(overrides: Partial<TrainConfig> = {}, now = new Date()): TrainConfig {
  const arch = ARCHITECTURES[overrides.arch ?? DEFAULT_ARCHITECTURE];
  if (!arch)
    throw new Error(`unknown architecture '${overrides.arch}', expected one of ${ARCHITECTURE_NAMES.join(', ')}`);
  const defaults = decodeTrainArgs(['--arch', arch.name], now);
  if (E.isLeft(defaults) || defaults.right.help) throw new Error('the CLI defaults did not decode');
  return { ...defaults.right.config, ...overrides };
}

export type TrainArgs =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly config: TrainConfig;
      /** Only the settings given on the command line. */
      readonly given: Partial<TrainConfig>;
      readonly resume: string | null;
      readonly force: boolean;
    };

export function decodeTrainArgs(argv: readonly string[], now = new Date()): E.Either<string, TrainArgs> {
  return pipe(
    parseFlags(argv, [...SETTINGS.map((s) => s.flag), RESUME], SWITCHES),
    E.chain((raw): E.Either<string, TrainArgs> => {
      if (raw.help === true) return E.right({ help: true });
      const given: Record<string, unknown> = {};
      for (const [flag, value] of Object.entries(raw)) {
        const s = settingOf(flag);
        if (!s || typeof value !== 'string') continue; // --resume, --force: read below
        const decoded = s.codec.decode(value);
        if (E.isLeft(decoded)) return E.left(`--${flag}: expected ${s.codec.name}, got '${value}'`);
        given[s.field] = decoded.right;
      }
      const arch = ARCHITECTURES[(given.arch as string | undefined) ?? DEFAULT_ARCHITECTURE];
      const config: Record<string, unknown> = {};
      for (const s of SETTINGS) {
        const value = s.field in given ? given[s.field] : s.default({ arch, now });
        if (value !== undefined) config[s.field] = value;
      }
      const resume = raw[RESUME];
      return E.right({
        help: false,
        given: given as Partial<TrainConfig>,
        resume: typeof resume === 'string' ? resume : null,
        force: raw.force === true,
        config: config as TrainConfig,
      });
    }),
  );
}
