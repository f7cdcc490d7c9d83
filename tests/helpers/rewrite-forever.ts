// A child process for the atomic-write fault test: rewrites TARGET with the bytes of A and B in
// turn, for ever, through writeFileAtomic; prints "ready" after the first whole write.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../src/streams/sinks/atomic-write.ts';

const [target, a, b] = process.argv.slice(2);
const versions = [readFileSync(a), readFileSync(b)];
writeFileAtomic(target, versions[0]);
process.stdout.write('ready\n');
for (let i = 1; ; i++) writeFileAtomic(target, versions[i % 2]);
