/** node-canvas-webgl's canvas (node-canvas for 2D, headless-gl for WebGL), typed for what ganstream uses. */
import { createRequire } from 'node:module';

export interface NodeCanvas {
  readonly width: number;
  readonly height: number;
  getContext(type: '2d'): CanvasRenderingContext2D;
  toBuffer(mime: 'image/png'): Uint8Array;
}

type CreateCanvas = (width: number, height: number) => NodeCanvas;
let create: CreateCanvas | null = null;

export function createNodeCanvas(width: number, height: number): NodeCanvas {
  if (!create) create = (createRequire(import.meta.url)('node-canvas-webgl') as { createCanvas: CreateCanvas }).createCanvas;
  return create(width, height);
}
