import { describe, expect, it } from 'vitest';
import { RendererToRuntimeSchema, replaySlot, type RuntimeToRenderer } from './bridge-protocol';

const PROOF = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('replaySlot', () => {
  it('keeps one slot per kind of state, play and idle sharing what is on screen', () => {
    const play: RuntimeToRenderer = {
      type: 'play',
      proofId: PROOF,
      item: { id: PROOF, type: 'slogan', text: 'Khẩu hiệu', title: null },
      next: null,
    };
    expect(replaySlot(play)).toBe('play');
    expect(replaySlot({ type: 'idle' })).toBe('play');
    expect(replaySlot({ type: 'pages', pages: [] })).toBe('pages');
  });
  it('never replays one-off commands (a reload would loop, a capture would run twice)', () => {
    expect(replaySlot({ type: 'reload' })).toBeNull();
    expect(replaySlot({ type: 'capture', requestId: PROOF })).toBeNull();
    expect(replaySlot({ type: 'identify', text: 'Kiosk', durationMs: 1000 })).toBeNull();
  });
});

describe('RendererToRuntimeSchema: log messages', () => {
  it('accepts a short warning with its proof, and refuses unknown levels and long text', () => {
    expect(
      RendererToRuntimeSchema.safeParse({ type: 'log', level: 'warn', message: 'sound refused', proofId: PROOF })
        .success,
    ).toBe(true);
    expect(RendererToRuntimeSchema.safeParse({ type: 'log', level: 'error', message: 'x' }).success).toBe(false);
    expect(RendererToRuntimeSchema.safeParse({ type: 'log', level: 'info', message: 'x'.repeat(301) }).success).toBe(
      false,
    );
  });
});
