import { describe, expect, it } from 'vitest';
import {
  BundleSchema,
  HandshakeAuthSchema,
  HeartbeatSchema,
  ProofSchema,
  ScreenshotUploadSchema,
  SurveyAnswerSchema,
} from './schemas';
import { InterruptAckSchema } from './protocol';
import { CreateContentBodySchema, CreateScheduleBodySchema, CreateUserBodySchema } from './api';
import { fromZodError } from './errors';

const proof = {
  id: '01930000-0000-7000-8000-000000000001',
  contentId: '01930000-0000-7000-8000-000000000002',
  playlistId: '01930000-0000-7000-8000-000000000003',
  scheduleId: '01930000-0000-7000-8000-000000000004',
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_008_000,
  deviceStartedAt: 1_699_999_000_000,
  clockOffsetMs: 1_000_000,
  endReason: 'completed',
};

function fieldOf(r: { success: boolean; error?: unknown }): string | null {
  expect(r.success).toBe(false);
  return fromZodError(r.error as never).error.field;
}

describe('schemas at the boundary', () => {
  it('accepts a well-formed proof and defaults its output', () => {
    expect(ProofSchema.parse(proof).output).toBe('main');
  });

  it('names the field of a bad proof', () => {
    expect(fieldOf(ProofSchema.safeParse({ ...proof, endedAt: proof.startedAt - 1 }))).toBe('endedAt');
    expect(fieldOf(ProofSchema.safeParse({ ...proof, contentId: 'x' }))).toBe('contentId');
    expect(fieldOf(ProofSchema.safeParse({ ...proof, endReason: 'exploded' }))).toBe('endReason');
    expect(fieldOf(ProofSchema.safeParse({ ...proof, startedAt: 1.5 }))).toBe('startedAt');
  });

  it('refuses a handshake without a usable token', () => {
    expect(fieldOf(HandshakeAuthSchema.safeParse({ token: 'short', protocol: 1 }))).toBe('token');
    expect(HandshakeAuthSchema.parse({ token: 'dev_' + 'a'.repeat(43), protocol: 1 }).playerVersion).toBe('unknown');
  });

  it('refuses a heartbeat with a negative outbox', () => {
    expect(
      fieldOf(
        HeartbeatSchema.safeParse({
          nowPlaying: null,
          bundleVersion: 1,
          outboxSize: -1,
          uptimeMs: 0,
          clockOffsetMs: 0,
        }),
      ),
    ).toBe('outboxSize');
  });

  it('refuses a bundle whose hash is not a sha256', () => {
    const b = { protocol: 1, version: 1, hash: 'abc', generatedAt: 1, content: [], playlists: [], schedules: [] };
    expect(fieldOf(BundleSchema.safeParse(b))).toBe('hash');
  });

  it('NFC-normalises slogan text so NFD input is stored as NFC', () => {
    const nfd = 'Bảo hiểm xã hội'.normalize('NFD');
    const parsed = CreateContentBodySchema.parse({ type: 'slogan', text: `  ${nfd} ` });
    expect(parsed.text).toBe('Bảo hiểm xã hội'.normalize('NFC'));
    expect(parsed.text.length).toBeLessThan(nfd.length);
  });

  it('names endsAt when a schedule ends before it starts, and target when it has none', () => {
    const base = {
      playlistId: '01930000-0000-7000-8000-000000000003',
      target: { deviceIds: ['01930000-0000-7000-8000-000000000009'] },
    };
    expect(
      fieldOf(
        CreateScheduleBodySchema.safeParse({
          ...base,
          startsAt: '2026-12-01T10:00:00+07:00',
          endsAt: '2026-12-01T09:59:59+07:00',
        }),
      ),
    ).toBe('endsAt');
    expect(fieldOf(CreateScheduleBodySchema.safeParse({ ...base, target: {} }))?.startsWith('target')).toBe(true);
  });

  it('an editor account needs a district', () => {
    expect(
      fieldOf(CreateUserBodySchema.safeParse({ username: 'bientap', password: 'mat-khau-dai', role: 'editor' })),
    ).toBe('groupId');
  });

  it('bounds every device instant to 2020-01-01 … tomorrow (the poisoned 9e15)', () => {
    const bad = 9e15;
    expect(fieldOf(ProofSchema.safeParse({ ...proof, startedAt: bad, endedAt: bad }))).toBe('startedAt');
    expect(fieldOf(ProofSchema.safeParse({ ...proof, endedAt: bad }))).toBe('endedAt');
    expect(fieldOf(ProofSchema.safeParse({ ...proof, deviceStartedAt: bad }))).toBe('deviceStartedAt');
    expect(fieldOf(ProofSchema.safeParse({ ...proof, startedAt: Date.UTC(2019, 5, 1) }))).toBe('startedAt');
    expect(fieldOf(ProofSchema.safeParse({ ...proof, endedAt: proof.startedAt + 24 * 3600_000 + 1 }))).toBe('endedAt');
    // A device without a real-time clock may read 1970: its own reading is kept for the drift audit.
    expect(ProofSchema.safeParse({ ...proof, deviceStartedAt: 5000 }).success).toBe(true);
    const hb = { nowPlaying: null, bundleVersion: 1, outboxSize: 0, uptimeMs: 1, clockOffsetMs: 0 };
    const np = {
      contentId: proof.contentId,
      playlistId: proof.playlistId,
      scheduleId: proof.scheduleId,
      startedAt: bad,
    };
    expect(fieldOf(HeartbeatSchema.safeParse({ ...hb, nowPlaying: np }))).toBe('nowPlaying.startedAt');
    expect(HeartbeatSchema.safeParse({ ...hb, nowPlaying: { ...np, startedAt: Date.now() } }).success).toBe(true);
    const ack = { interruptId: proof.id, shownAt: bad };
    expect(fieldOf(InterruptAckSchema.safeParse(ack))).toBe('shownAt');
    expect(InterruptAckSchema.safeParse({ ...ack, shownAt: null }).success).toBe(true);
    const shot = { png: new Uint8Array(8), capturedAt: bad, output: 'screen' };
    expect(fieldOf(ScreenshotUploadSchema.safeParse(shot))).toBe('capturedAt');
    const answer = { id: proof.id, surveyId: 's', rating: 3, choice: null, answeredAt: Date.now() + 3 * 86_400_000 };
    expect(fieldOf(SurveyAnswerSchema.safeParse(answer))).toBe('answeredAt');
  });
});
