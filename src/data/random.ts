/**
 * Seeded random numbers, plain TypeScript: the one source of randomness in ganstream.
 * The generator is sfc32 (small, fast, passes PractRand to 2^40); its whole state is four
 * uint32 words plus a cached normal, so it can be saved and restored exactly.
 */

export interface RandomState {
  readonly words: [number, number, number, number];
  readonly spareNormal: number | null;
}

export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** A fresh uint32, for seeding something else (tf.dropout, a child generator). */
  uint32(): number;
  state(): RandomState;
}

/** Mixes a seed and a stream number into a well-spread uint32 (splitmix32 finaliser). */
export function mixSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 0x632be5ab, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

export function fromState(saved: RandomState): Random {
  let [a, b, c, d] = saved.words;
  let spare = saved.spareNormal;
  const uint32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  const uniform = () => uint32() / 4294967296;
  return {
    uniform,
    uint32,
    int: (n) => Math.floor(uniform() * n),
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    state: () => ({ words: [a >>> 0, b >>> 0, c >>> 0, d >>> 0], spareNormal: spare }),
  };
}

/** A generator for one named purpose of a run: the same (seed, stream) always gives the same numbers. */
export function seeded(seed: number, stream = 0): Random {
  const rng = fromState({
    words: [mixSeed(seed, stream), mixSeed(seed, stream + 101), mixSeed(seed, stream + 202), 1],
    spareNormal: null,
  });
  for (let i = 0; i < 12; i++) rng.uint32();
  return rng;
}

/** The streams a run draws from, kept apart so that changing one never shifts another. */
export const Streams = {
  shuffle: 1,
  noise: 2,
  init: 3,
  dropout: 4,
  milestoneNoise: 5,
  qualityNoise: 6,
  calibration: 7,
} as const;

export function normals(rng: Random, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal();
  return out;
}

/** A permutation of 0..n-1 (Fisher-Yates). */
export function permutation(rng: Random, n: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
