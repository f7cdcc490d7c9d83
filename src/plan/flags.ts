/** Command-line words into flag/value pairs: `--name value` or `--name=value`; bare flags are booleans. */
import * as E from 'fp-ts/lib/Either.js';

export type RawFlags = Readonly<Record<string, string | true>>;

/**
 * `valued` lists flags that take a value, `bare` those that do not. Anything else, a missing
 * value, a repeated flag or a stray word is an error naming it.
 */
export function parseFlags(
  argv: readonly string[],
  valued: readonly string[],
  bare: readonly string[],
): E.Either<string, RawFlags> {
  return E.chain((p: Parsed) =>
    p.positional.length
      ? E.left(`unexpected argument '${p.positional[0]}': flags start with -- (see --help)`)
      : E.right(p.flags),
  )(parseArgs(argv, valued, bare));
}

export interface Parsed {
  readonly flags: RawFlags;
  readonly positional: readonly string[];
}

/** As parseFlags, and words that are not flags are kept in order as positional arguments. */
export function parseArgs(
  argv: readonly string[],
  valued: readonly string[],
  bare: readonly string[],
): E.Either<string, Parsed> {
  const out: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq);
    if (name in out) return E.left(`--${name} is given twice`);
    if (bare.includes(name)) {
      if (eq !== -1) return E.left(`--${name} takes no value, got '${word.slice(eq + 1)}'`);
      out[name] = true;
      continue;
    }
    if (!valued.includes(name)) return E.left(`unknown flag --${name} (see --help)`);
    if (eq !== -1) {
      out[name] = word.slice(eq + 1);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || (value.startsWith('--') && Number.isNaN(Number(value))))
      return E.left(`--${name} needs a value`);
    out[name] = value;
    i++;
  }
  return E.right({ flags: out, positional });
}
