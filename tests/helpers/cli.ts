/** Runs a script as a user would, and reads PNG headers. */
import { spawn, spawnSync } from 'node:child_process';

/**
 * The environment a test's script runs in: no colour, and one OpenBLAS thread unless the caller
 * set a number (tests run scripts side by side, and two scripts spinning two BLAS threads each on
 * a two-core machine slow each other down by half).
 */
export const scriptEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  FORCE_COLOR: '0',
  OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? '1',
});

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(script: string, args: readonly string[], timeoutMs = 120_000): Ran {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    env: scriptEnv(),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** runScript without blocking: several scripts that do not depend on each other run side by side (each is mostly start-up). */
export function runScriptAsync(
  script: string,
  args: readonly string[],
  timeoutMs = 120_000,
  env: NodeJS.ProcessEnv = {},
): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...scriptEnv(), ...env },
    });
    let stdout = '',
      stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Width and height from a PNG's IHDR, or null if the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The names under the script's last "run folder:" line. */
export function listedFiles(stdout: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.map((l) => l.startsWith('run folder: ')).lastIndexOf(true);
  return at < 0 ? [] : lines[at + 1].trim().split(' ');
}
