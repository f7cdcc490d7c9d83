/** The static site built and served by its own script (npm run site -- --serve), as the browser tests use it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { scriptEnv } from './cli.ts';

export interface ServedSite {
  readonly server: ChildProcess;
  /** The address it serves at. */
  readonly address: string;
  /** What the script printed up to its address line (the build's report). */
  readonly built: string;
}

/** Builds the site into `out` with `args` (datasets, example) and serves it on a free port. */
export function serveSite(out: string, args: readonly string[]): Promise<ServedSite> {
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/site.ts', '--out', out, ...args, '--serve', '--port', '0'],
    { env: scriptEnv() },
  );
  return new Promise((done, fail) => {
    let out = '';
    server.stdout?.on('data', (d) => {
      out += d;
      const m = out.match(/serving it at (\S+)/);
      if (m) done({ server, address: m[1], built: out });
    });
    server.on('exit', (code) => fail(new Error(`the site script exited ${code}: ${out}`)));
  });
}
