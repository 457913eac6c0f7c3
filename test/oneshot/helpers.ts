import { makeDataset, type ImageDataset } from '../../src/engine/data/index.js';

/**
 * 4 classes of 3×8×8 images told apart by which quadrant is bright, plus noise: small enough for a
 * supernet step in milliseconds, learnable enough for α to move.
 */
export function quadrantImages(n: number, seed: number): ImageDataset {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const images = new Uint8Array(n * 192);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    labels[i] = c;
    for (let ch = 0; ch < 3; ch++) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          const q = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1);
          images[i * 192 + ch * 64 + y * 8 + x] = Math.min(255, (q === c ? 150 : 40) + Math.floor(rand() * 90));
        }
      }
    }
  }
  return makeDataset(images, labels, { channels: 3, height: 8, width: 8 }, ['a', 'b', 'c', 'd']);
}
