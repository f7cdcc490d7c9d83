/** Starts `scripts/studio.ts` as a user would (no quality checks), and resolves with its address once it prints it. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface RunningStudio {
  readonly child: ChildProcess;
  readonly address: string;
}

export function startStudio(runsDir: string, port = 0): Promise<RunningStudio> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/studio.ts', '--port', String(port), '--runs', runsDir, '--no-quality'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the studio did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ganstream studio: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, address: m[1] });
      }
    });
    child.stderr!.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the studio exited (${code}): ${out}`));
    });
  });
}
