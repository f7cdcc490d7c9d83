#!/usr/bin/env -S node --import tsx
/**
 * `npm run build:tfjs-node`: @tensorflow/tfjs-node without its download, for machines that reach
 * npm and pip's index but not storage.googleapis.com (where tfjs-node's install fetches
 * libtensorflow). TensorFlow's C API comes from the tensorflow-cpu wheel that pip serves: its two
 * libraries go where tfjs-node's binding looks for them (`deps/lib/`), with the headers the binding
 * includes (`deps/include/`), and the binding is compiled against them with node-gyp.
 *
 * On a machine with internet, plain `npm install` already did all this; the script then says the
 * engine loads and stops. Nothing of the wheel is kept outside node_modules.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import * as E from 'fp-ts/lib/Either.js';
import { parseFlags } from '../src/plan/flags.ts';
import { fail } from './lib/exit.ts';
import { headerClosure } from './lib/header-closure.ts';

/** The TensorFlow whose C API the binding is built against (tfjs-node 4.22 was written for 2.9.1; the C API is stable). */
const TENSORFLOW = '2.21.0';
/** The wheel's two libraries: the eager API (TFE_*) and the tensor functions (TF_NewTensor, ...). */
const LIBRARIES = {
  'libtensorflow_cc.so.2': ['libtensorflow.so', 'libtensorflow.so.2'],
  'libtensorflow_framework.so.2': ['libtensorflow_framework.so'],
};

const HELP = `Usage: npm run build:tfjs-node [-- --wheel FILE] [-- --force]

Builds @tensorflow/tfjs-node's binding against TensorFlow ${TENSORFLOW}'s C API from the
tensorflow-cpu wheel (pip download tensorflow-cpu==${TENSORFLOW}), for machines whose npm install
cannot download libtensorflow. Afterwards --backend tensorflow trains on it.

  --wheel FILE   a tensorflow-cpu ${TENSORFLOW} wheel already on disk (default: pip downloads it)
  --force        build again even if tfjs-node loads already
  --help         this text
`;

const flags = parseFlags(process.argv.slice(2), ['wheel'], ['force', 'help']);
if (E.isLeft(flags)) fail(flags.left);
if (flags.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const project = resolve(dirname(new URL(import.meta.url).pathname), '..');
const say = (line: string) => process.stdout.write(`build:tfjs-node: ${line}\n`);

/** Runs a command; on failure ends the script with its last line of output. */
function run(what: string, command: string, args: readonly string[], cwd = project): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: process.env, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const lines = `${r.stderr ?? ''}\n${r.stdout ?? ''}`
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^(WARNING|gyp info|npm warn)/.test(l));
    const last = lines.find((l) => /\berror\b/i.test(l)) ?? lines.at(-1);
    fail(`${what} failed (${command} ${args.join(' ')}): ${r.error?.message ?? last ?? `exit ${r.status}`}`, 1);
  }
  return r.stdout;
}

/** Loads tfjs-node in a fresh process and multiplies two matrices on it; null when it works, else why not. */
function loadCheck(): string | null {
  const probe = [
    "const tf = require('@tensorflow/tfjs-node');",
    "if (tf.getBackend() !== 'tensorflow') throw new Error('backend ' + tf.getBackend());",
    'const v = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5], [6]])).dataSync();',
    "if (v[0] !== 17 || v[1] !== 39) throw new Error('wrong product ' + Array.from(v));",
  ].join('\n');
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: project, encoding: 'utf8' });
  if (r.status === 0) return null;
  return (
    r.stderr.split('\n').find((l) => /Error/.test(l)) ??
    r.stderr.trim().split('\n').at(-1) ??
    'no output'
  ).trim();
}

const lockVersion = (): string => {
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'));
  return lock.packages['node_modules/@tensorflow/tfjs-node'].version;
};

// 1. The package itself: npm drops it when its install script cannot download libtensorflow.
const pkg = join(project, 'node_modules/@tensorflow/tfjs-node');
if (!flags.right.force && existsSync(join(pkg, 'package.json')) && loadCheck() === null) {
  say('@tensorflow/tfjs-node is installed and loads (--force builds it again); nothing to do');
  process.exit(0);
}
if (!existsSync(join(pkg, 'package.json'))) {
  const version = lockVersion();
  say(`installing @tensorflow/tfjs-node ${version} without its install script`);
  run('npm install', 'npm', [
    'install',
    '--no-save',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    `@tensorflow/tfjs-node@${version}`,
  ]);
}

// 2. The wheel: given, kept from an earlier build, or downloaded by pip.
const cache = join(project, 'node_modules/.cache/ganstream-tensorflow');
const wheelIn = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir).find((f) => f.startsWith(`tensorflow_cpu-${TENSORFLOW}-`) && f.endsWith('.whl'))
    : undefined;
const wheel = (() => {
  if (typeof flags.right.wheel === 'string') {
    if (!existsSync(flags.right.wheel))
      fail(`--wheel: no such file '${flags.right.wheel}'; expected a tensorflow-cpu ${TENSORFLOW} wheel`);
    return flags.right.wheel;
  }
  const kept = wheelIn(cache);
  if (kept) return join(cache, kept);
  say(`downloading the tensorflow-cpu ${TENSORFLOW} wheel with pip (about 270 MB)`);
  mkdirSync(cache, { recursive: true });
  const pip = spawnSync('pip', ['--version']).status === 0 ? ['pip'] : ['python3', '-m', 'pip'];
  run('pip download', pip[0], [
    ...pip.slice(1),
    'download',
    '--no-deps',
    '--retries',
    '1',
    '-d',
    cache,
    `tensorflow-cpu==${TENSORFLOW}`,
  ]);
  const got = wheelIn(cache);
  if (!got) fail(`pip download gave no tensorflow-cpu ${TENSORFLOW} wheel in ${cache}`, 1);
  return join(cache, got);
})();

// 3. deps/: the two libraries (streamed out of the wheel) and the headers the binding reaches.
const partial = join(pkg, 'deps.partial');
rmSync(partial, { recursive: true, force: true });
mkdirSync(join(partial, 'lib'), { recursive: true });
say(`unpacking TensorFlow's C API from ${wheel}`);
const headers = new Map<string, Uint8Array>();
await new Promise<void>((done, failed) => {
  const unzip = new Unzip((file) => {
    const library = /^tensorflow\/(libtensorflow(?:_cc|_framework)\.so\.2)$/.exec(file.name)?.[1];
    const header = /^tensorflow\/include\/(.+\.h)$/.exec(file.name)?.[1];
    if (library) {
      const fd = openSync(join(partial, 'lib', library), 'w', 0o755);
      file.ondata = (err, chunk, final) => {
        if (err) return failed(err);
        writeSync(fd, chunk);
        if (final) closeSync(fd);
      };
      file.start();
    } else if (header) {
      const parts: Uint8Array[] = [];
      file.ondata = (err, chunk, final) => {
        if (err) return failed(err);
        parts.push(chunk);
        if (final) headers.set(header, Buffer.concat(parts));
      };
      file.start();
    }
  });
  unzip.register(UnzipInflate);
  createReadStream(wheel)
    .on('data', (chunk) => unzip.push(chunk as Buffer))
    .on('end', () => {
      unzip.push(new Uint8Array(0), true);
      done();
    })
    .on('error', failed);
}).catch((e: Error) => fail(`${wheel}: not a readable wheel (${e.message})`));
for (const [library, links] of Object.entries(LIBRARIES)) {
  if (!existsSync(join(partial, 'lib', library)))
    fail(`${wheel}: no tensorflow/${library} in it; expected tensorflow-cpu ${TENSORFLOW}`);
  for (const link of links) symlinkSync(library, join(partial, 'lib', link));
}
const bindingSources = readdirSync(join(pkg, 'binding')).map((f) => readFileSync(join(pkg, 'binding', f), 'utf8'));
const needed = headerClosure(bindingSources, (path) => headers.get(path)?.toString());
if (E.isLeft(needed)) fail(`${wheel}: ${needed.left}`);
for (const path of needed.right) {
  const to = join(partial, 'include', path);
  mkdirSync(dirname(to), { recursive: true });
  const fd = openSync(to, 'w');
  writeSync(fd, headers.get(path)!);
  closeSync(fd);
}
rmSync(join(pkg, 'deps'), { recursive: true, force: true });
renameSync(partial, join(pkg, 'deps'));
say(`deps/: libtensorflow_cc.so.2, libtensorflow_framework.so.2 and ${needed.right.length} headers`);

// 4. The binding, by npm's node-gyp (it knows where Node's headers are), to where tfjs-node loads it from.
const gyp = process.env.npm_config_node_gyp;
if (!gyp) fail('run this as `npm run build:tfjs-node`: it needs the node-gyp that npm carries');
const tfjsNode: { version: string; binary: { napi_versions: number[] } } = JSON.parse(
  readFileSync(join(pkg, 'package.json'), 'utf8'),
);
const napi = Math.max(...tfjsNode.binary.napi_versions.filter((v) => v <= Number(process.versions.napi)));
say(`compiling tfjs-node's binding (N-API ${napi}) with node-gyp`);
run(
  'node-gyp',
  process.execPath,
  [
    gyp,
    'rebuild',
    '--module_name=tfjs_binding',
    `--module_path=${join(pkg, `lib/napi-v${napi}`)}`,
    `--napi_build_version=${napi}`,
  ],
  pkg,
);

const why = loadCheck();
if (why !== null) fail(`the built binding does not load: ${why}`, 1);
say(`done: @tensorflow/tfjs-node ${tfjsNode.version} loads on TensorFlow ${TENSORFLOW}'s C API (--backend tensorflow)`);
