import { describe, expect, it } from 'vitest';
import type { RendererToRuntime, RuntimeToRenderer } from '../renderer/bridge-protocol';
import type { RendererChannel } from './browser-mode';
import { CaptureError, captureViaRenderer } from './screen-capture';

/** An in-memory channel: what the runtime sends is recorded, and the test plays the renderer. */
function channel() {
  const sent: RuntimeToRenderer[] = [];
  const listeners = new Set<(m: RendererToRuntime) => void>();
  const ch: RendererChannel = {
    send: (m) => void sent.push(m),
    onMessage(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const reply = (m: RendererToRuntime) => [...listeners].forEach((l) => l(m));
  return { ch, sent, reply, listeners };
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe('captureViaRenderer', () => {
  it('asks the renderer with a fresh id and takes only the answer carrying that id', async () => {
    const { ch, sent, reply, listeners } = channel();
    const p = captureViaRenderer(ch);
    const req = sent[0];
    expect(req?.type).toBe('capture');
    const requestId = (req as { requestId: string }).requestId;
    // Another capture's answer (a second kiosk browser, a late reply) is not ours.
    reply({
      type: 'screenshot',
      requestId: '0190a6e2-0000-7000-8000-000000000000',
      result: { png: 'AAAA', width: 1, height: 1 },
    });
    reply({ type: 'screenshot', requestId, result: { png: PNG.toString('base64'), width: 960, height: 540 } });
    const frame = await p;
    expect(frame.width).toBe(960);
    expect(frame.height).toBe(540);
    expect(frame.png.equals(PNG)).toBe(true);
    expect(listeners.size).toBe(0);
  });

  it('fails with the renderer’s reason, or when no renderer answers', async () => {
    const { ch, sent, reply, listeners } = channel();
    const p = captureViaRenderer(ch);
    const requestId = (sent[0] as { requestId: string }).requestId;
    reply({ type: 'screenshot', requestId, result: { error: 'SecurityError: tainted canvas' } });
    await expect(p).rejects.toThrow(/tainted canvas/);

    await expect(captureViaRenderer(ch, 20)).rejects.toBeInstanceOf(CaptureError);
    expect(listeners.size).toBe(0);
  });
});
