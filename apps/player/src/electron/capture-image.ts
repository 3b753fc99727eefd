import { CaptureError, type CapturedFrame } from '../runtime/screen-capture';

/** The parts of Electron's NativeImage a screenshot needs (so this stays testable without Electron). */
export interface PngImage {
  isEmpty(): boolean;
  getSize(): { width: number; height: number };
  toPNG(): Buffer;
}

/**
 * A `capturePage()` result as the frame the player uploads. An empty image (window minimised or not
 * painted yet) is an error, not a 0×0 PNG that would replace the last good screenshot.
 */
export function frameFromImage(image: PngImage): CapturedFrame {
  if (image.isEmpty()) throw new CaptureError('the window has not painted anything yet');
  const { width, height } = image.getSize();
  return { png: image.toPNG(), width, height };
}
