/**
 * How a script ends when it cannot go on: one line on stderr and an exit code, 2 for bad input
 * (a flag, a file) and 1 for an internal fault. Shared by every script in scripts/.
 */
export function fail(message: string, code = 2): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

/** Anything thrown and not caught ends the script the same way, exit 1 (the wasm module would otherwise print its whole source line). */
export function failOnUncaught(): void {
  process.on('uncaughtException', (e) => fail(`internal: ${e.stack ?? e.message}`, 1));
}
