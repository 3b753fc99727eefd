// capturePage() needs a real Electron window, which cannot run here: these tests hand frameFromImage a
// stand-in NativeImage (an object with the same three methods), as the names say.
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../runtime/screen-capture';
import { frameFromImage } from './capture-image';

const fakeNativeImage = (width: number, height: number, png: Buffer) => ({
  isEmpty: () => width === 0 || height === 0,
  getSize: () => ({ width, height }),
  toPNG: () => png,
});

describe('frameFromImage (fake Electron NativeImage)', () => {
  it('turns a captured page into the uploaded frame with its pixel size', () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    expect(frameFromImage(fakeNativeImage(1920, 1080, png))).toEqual({ png, width: 1920, height: 1080 });
  });
  it('refuses an empty capture (window not painted) instead of uploading a 0×0 image', () => {
    expect(() => frameFromImage(fakeNativeImage(0, 0, Buffer.alloc(0)))).toThrow(CaptureError);
  });
});
