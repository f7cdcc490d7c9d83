/** Writes a saved model (model.json + weights.bin) into a folder of its own. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WEIGHTS_FILE } from '../../model/names.ts';
import type { ModelFiles } from '../../model/persistence.ts';
import { writeFileAtomic } from './atomic-write.ts';

export function writeModelFolder(dir: string, files: ModelFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, WEIGHTS_FILE), files.weights);
  writeFileAtomic(join(dir, 'model.json'), JSON.stringify(files.modelJson));
}
