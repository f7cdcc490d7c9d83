/**
 * ganstream's kernels for the wasm backend, in one list: under Node (backend.ts) and in a browser
 * tab (site/browser-backend.ts) alike. Imports nothing from node:.
 */
import { installBatchNormPasses } from './batch-norm-passes.ts';
import { installConv2dFilterGrad } from './conv2d-filter-grad.ts';
import { installFusedAdam } from './fused-adam.ts';
import { installLeadingAxisSums } from './leading-axis-sums.ts';
import { installSlopeGrad } from './slope-grad.ts';
import { installTanhFromSigmoid } from './tanh-from-sigmoid.ts';
import { installUntransposedMatMul } from './untransposed-matmul.ts';

/**
 * Installs ganstream's kernels for the wasm backend (none elsewhere); the names installed now.
 * Idempotent. Each kernel's file says what it replaces and why.
 */
export function installKernels(backendName: string): string[] {
  if (backendName !== 'wasm') return [];
  return [
    ...installUntransposedMatMul('wasm'),
    ...installConv2dFilterGrad('wasm'),
    ...installTanhFromSigmoid('wasm'),
    ...installFusedAdam('wasm'),
    ...installLeadingAxisSums('wasm'),
    ...installBatchNormPasses('wasm'),
    ...installSlopeGrad('wasm'),
  ];
}
