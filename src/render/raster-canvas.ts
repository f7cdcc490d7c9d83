/**
 * A pixel buffer with the part of the canvas API that drawGrid uses: the fallback where
 * node-canvas-webgl's native addon cannot load (Deno loads Node-API addons only, and node-canvas
 * is built on nan).
 */
import type { NodeCanvas } from './node-canvas.ts';
import { encodePng } from './png.ts';

interface Raster {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export function createRasterCanvas(width: number, height: number): NodeCanvas {
  const pixels: Raster = { width, height, data: new Uint8ClampedArray(width * height * 4) };
  const context = {
    fillStyle: '#000' as unknown,
    createImageData: (w: number, h: number) => ({
      width: w,
      height: h,
      data: new Uint8ClampedArray(w * h * 4),
      colorSpace: 'srgb',
    }),
    putImageData(image: Raster, dx: number, dy: number) {
      for (let y = 0; y < image.height; y++) {
        const ty = y + dy;
        if (ty < 0 || ty >= height) continue;
        for (let x = 0; x < image.width; x++) {
          const tx = x + dx;
          if (tx < 0 || tx >= width) continue;
          const s = (y * image.width + x) * 4;
          pixels.data.set(image.data.subarray(s, s + 4), (ty * width + tx) * 4);
        }
      }
    },
    fillRect() {
      throw new Error('fillRect is not available on the raster fallback canvas');
    },
  };
  return {
    width,
    height,
    getContext: () => context as unknown as CanvasRenderingContext2D,
    toBuffer: () => encodePng(width, height, pixels.data),
  };
}
