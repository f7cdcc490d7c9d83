import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mainScriptPrelude } from '../src/model/wasm-threads.ts';
import { runScript } from './helpers/cli.ts';
import { errorOf, unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

test('the wasm backend runs one thread per CPU (tfjs caps it at 8)', () => {
  assert.is(tf.getBackend(), 'wasm');
  assert.is(getThreadsCount(), Math.min(8, cpus().length));
});

test('the main script gets exactly the bundle names it uses; an unknown one is refused', () => {
  const prelude = unwrap(
    mainScriptPrelude('var f = require$$0.readFileSync; var g = commonjsGlobal; require$$4.cpus(); require$$0;'),
  );
  assert.equal(prelude.trim().split('\n').sort(), [
    'var commonjsGlobal = globalThis;',
    "var require$$0 = require('fs');",
    "var require$$4 = require('os');",
  ]);
  assert.match(errorOf(mainScriptPrelude('require$$7.x')), /uses require\$\$7, which this adapter does not define/);
});

test('a script on the threaded backend exits by itself; --threads 1 gives the single-threaded build', () => {
  const two = runScript(
    'scripts/bench.ts',
    ['--arch', 'mlp-small', '--batch-size', '8', '--steps', '1', '--warmup', '0', '--backend', 'wasm'],
    60_000,
  );
  assert.is(two.code, 0, `exit ${two.code}: ${two.stderr}`);
  assert.is(JSON.parse(two.stdout.trim().split('\n').pop()!).threads, Math.min(8, cpus().length));
  const one = runScript(
    'scripts/bench.ts',
    [
      '--arch',
      'mlp-small',
      '--batch-size',
      '8',
      '--steps',
      '1',
      '--warmup',
      '0',
      '--backend',
      'wasm',
      '--threads',
      '1',
    ],
    60_000,
  );
  assert.is(one.code, 0, one.stderr);
  assert.is(JSON.parse(one.stdout.trim().split('\n').pop()!).threads, 1);
});

test.run();
