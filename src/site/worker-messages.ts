/**
 * What the page and the training worker say to each other. The page sends the flags (as the
 * studio's form does) and the dataset's IDX files as bytes; the worker answers with the run's
 * record lines, as the studio's server does, and its state. Imports nothing from node:.
 */

/** The page to the worker. */
export type ToWorker =
  | {
      readonly type: 'start';
      /** Flag name (without --) to value, as the studio's form sends them. */
      readonly flags: Readonly<Record<string, string>>;
      readonly dataset: {
        readonly name: string;
        readonly images: { readonly name: string; readonly bytes: Uint8Array };
        readonly labels: { readonly name: string; readonly bytes: Uint8Array } | null;
      };
    }
  | { readonly type: 'stop' };

/** The worker to the page. */
export type FromWorker =
  | { readonly type: 'event'; readonly line: string }
  /** The engine it trains on, once chosen. */
  | { readonly type: 'backend'; readonly name: string }
  | { readonly type: 'state'; readonly state: 'playing' | 'ended' | 'failed'; readonly message: string | null };

/** The flags as the CLI takes them: --name value, in the form's order. */
export const argvOf = (flags: Readonly<Record<string, string>>): string[] =>
  Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value]);
