/**
 * Huidu driver ⇄ simulated Huidu card over a real TCP loopback socket: pixels, urgent/clear, refusals,
 * and a card that stops answering heartbeats.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Bitmap, renderSlogan } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { BoardStatus, LedProgramme } from '../apps/player/src/led/driver';
import { HuiduDriver } from '../apps/player/src/led/huidu/driver';
import { createHuiduSimulator, type HuiduSimulator, type SimProgram } from '../apps/player/src/led/huidu/simulator';
import { bitmapToAscii, pngToBitmap } from '../apps/player/src/led/sim/render';
import { waitForEvent } from '../apps/player/src/led/testing/wait';

const SIZE = { width: 96, height: 16 };
const SLOGAN = 'Tuyên truyền BHXH – Đóng bảo hiểm';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function bench(
  opts: { png?: string; ascii?: string } = {},
): Promise<{ sim: HuiduSimulator; driver: HuiduDriver }> {
  const sim = await createHuiduSimulator({ port: 0, size: SIZE, ...opts });
  cleanups.push(() => sim.close());
  const driver = new HuiduDriver({
    host: '127.0.0.1',
    port: sim.port,
    size: SIZE,
    heartbeatMs: 100,
    replyTimeoutMs: 250,
    retry: { initialMs: 50, maxMs: 200 },
    contentChunkBytes: 200,
    transport: { backoff: { initialMs: 30, maxMs: 150 }, connectTimeoutMs: 1000 },
  });
  cleanups.push(() => driver.close());
  const online = waitForEvent<[BoardStatus]>(driver, 'status', (s) => s.state === 'online', 3000);
  await driver.open();
  await online;
  return { sim, driver };
}

function sloganProgramme(id: string, text = SLOGAN, urgent = false): LedProgramme {
  const r = renderSlogan(text, { ...SIZE, colour: 'tri' }, { mode: 'paged', pageMs: 2000 });
  return { id, frames: r.frames, ...(urgent ? { urgent: true } : {}) };
}

const same = (a: Bitmap, b: Bitmap): boolean =>
  a.width === b.width && a.height === b.height && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;

describe('Huidu board over TCP (driver ⇄ simulated card)', () => {
  it('a Vietnamese slogan arrives with exact pixels, durations, PNG and ASCII output; deliveredAt is set', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'huidu-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const png = path.join(dir, 'board.png');
    const ascii = path.join(dir, 'board.txt');
    const { sim, driver } = await bench({ png, ascii });
    const programme = sloganProgramme('slogan-1');
    expect(programme.frames.some((f) => f.bitmap.data.some((v) => v !== 0))).toBe(true);
    const shown = waitForEvent<[SimProgram]>(sim, 'display');
    const before = Date.now();
    const result = await driver.show(programme);
    expect(result).toEqual({ delivered: true, programmeId: 'slogan-1' });
    const [played] = await shown;
    expect(played.name).toBe('slogan-1');
    expect(played.pages).toHaveLength(programme.frames.length);
    played.pages.forEach((p, i) => {
      expect(same(p.bitmap, programme.frames[i]!.bitmap)).toBe(true);
      expect(p.durationMs).toBe(programme.frames[i]!.durationMs);
    });
    const st = driver.status();
    expect(st.deliveredProgrammeId).toBe('slogan-1');
    expect(st.deliveredAt).toBeGreaterThanOrEqual(before);
    expect(st.deliveredAt).toBeGreaterThanOrEqual(played.at);
    await sim.flushed();
    expect(same(pngToBitmap(await readFile(png)), programme.frames[0]!.bitmap)).toBe(true);
    expect((await readFile(ascii, 'utf8')).trimEnd()).toBe(bitmapToAscii(programme.frames[0]!.bitmap));
  });

  it('an urgent programme replaces the program at once; clear() plays an empty program', async () => {
    const { sim, driver } = await bench();
    await driver.show(sloganProgramme('normal'));
    const urgent = sloganProgramme('urgent', 'KHẨN: Mất điện, tạm ngừng tiếp dân', true);
    const shown = waitForEvent<[SimProgram]>(sim, 'display', (p) => p.name === 'urgent');
    expect(await driver.show(urgent)).toEqual({ delivered: true, programmeId: 'urgent' });
    const [played] = await shown;
    expect(same(played.pages[0]!.bitmap, urgent.frames[0]!.bitmap)).toBe(true);
    expect(sim.current?.name).toBe('urgent');

    expect(await driver.clear()).toEqual({ delivered: true, programmeId: 'clear' });
    expect(sim.current?.pages).toEqual([]);
    expect(driver.status().deliveredProgrammeId).toBe('clear');
  });

  it('an urgent programme sent mid-upload stops the ordinary one before its next frame', async () => {
    const { sim, driver } = await bench();
    const long = sloganProgramme(
      'long',
      'Bảo hiểm xã hội Việt Nam – Vì an sinh xã hội, vì hạnh phúc của mọi người. Tham gia BHXH tự nguyện để có lương hưu.',
    );
    const unique = (p: LedProgramme): number =>
      new Set(p.frames.map((f) => Buffer.from(f.bitmap.data).toString('hex'))).size;
    expect(unique(long)).toBeGreaterThan(2);
    const names: (string | null)[] = [];
    sim.on('display', (p) => names.push(p.name));
    const firstFile = waitForEvent(sim, 'file');
    const ordinary = driver.show(long);
    await firstFile;
    const urgent = sloganProgramme('urgent', 'KHẨN: Hệ thống tạm dừng', true);
    expect(await driver.show(urgent)).toEqual({ delivered: true, programmeId: 'urgent' });
    expect(await ordinary).toEqual({ delivered: false, programmeId: 'long' });
    expect(names).toEqual(['urgent']);
    // The rest of the long programme's pictures were never uploaded.
    expect(sim.files.size).toBeLessThan(unique(long) + unique(urgent));
  });

  it('a newer show supersedes one still uploading: the first resolves undelivered, the card plays the second', async () => {
    const { sim, driver } = await bench();
    const first = driver.show(sloganProgramme('first'));
    const second = driver.show(sloganProgramme('second', 'Hỏi đáp chính sách BHXH'));
    expect(await first).toEqual({ delivered: false, programmeId: 'first' });
    expect(await second).toEqual({ delivered: true, programmeId: 'second' });
    expect(sim.current?.name).toBe('second');
  });

  it('a bad MD5 on the card gives status error file-end-refused; the retry delivers once the link is clean', async () => {
    const { sim, driver } = await bench();
    sim.corruptUploads(true);
    const nack = waitForEvent<[{ stage: string; result: string }]>(sim, 'nack');
    const error = waitForEvent<[BoardStatus]>(driver, 'status', (s) => s.state === 'error');
    const shown = driver.show(sloganProgramme('md5'));
    expect((await nack)[0]).toMatchObject({ stage: 'file-end', result: 'kFileContentError' });
    const [st] = await error;
    expect(st.lastError?.code).toBe('file-end-refused');
    expect(st.lastError?.message).toMatch(/kFileContentError.*MD5 không khớp/);
    expect(st.deliveredProgrammeId).toBeNull();
    sim.corruptUploads(false);
    expect(await shown).toEqual({ delivered: true, programmeId: 'md5' });
    expect(driver.status().state).toBe('online');
    expect(sim.current?.name).toBe('md5');
  });

  it('a refused AddProgram gives status error program-refused naming the card result', async () => {
    const { sim, driver } = await bench();
    sim.refuseProgram('kInvalidParam');
    const error = waitForEvent<[BoardStatus]>(driver, 'status', (s) => s.state === 'error');
    const shown = driver.show(sloganProgramme('refused'));
    const [st] = await error;
    expect(st.lastError).toMatchObject({ code: 'program-refused' });
    expect(st.lastError?.message).toContain('kInvalidParam');
    sim.refuseProgram(null);
    expect(await shown).toEqual({ delivered: true, programmeId: 'refused' });
  });

  it('a card that stops answering goes offline; when it answers again it is online and the programme is re-sent', async () => {
    const { sim, driver } = await bench();
    const programme = sloganProgramme('resend');
    await driver.show(programme);
    const programsBefore = sim.stats.programs;
    const offline = waitForEvent<[BoardStatus]>(driver, 'status', (s) => s.state === 'offline', 3000);
    sim.mute(true);
    const [off] = await offline;
    expect(off.lastError?.code).toBe('heartbeat-lost');
    const online = waitForEvent<[BoardStatus]>(driver, 'status', (s) => s.state === 'online', 3000);
    const resent = waitForEvent<[SimProgram]>(sim, 'display', () => true, 3000);
    sim.mute(false);
    const [on] = await online;
    expect(on.reconnects).toBeGreaterThanOrEqual(1);
    const [played] = await resent;
    expect(played.name).toBe('resend');
    expect(same(played.pages[0]!.bitmap, programme.frames[0]!.bitmap)).toBe(true);
    expect(sim.stats.programs).toBe(programsBefore + 1);
    // The card acknowledges after it started playing: deliveredAt follows that acknowledgement.
    if ((driver.status().deliveredAt ?? 0) < played.at)
      await waitForEvent<[BoardStatus]>(driver, 'status', (s) => (s.deliveredAt ?? 0) >= played.at, 2000);
    expect(driver.status().deliveredProgrammeId).toBe('resend');
  });

  it('refuses a programme whose bitmaps do not match the board, before touching the card', async () => {
    const { driver } = await bench();
    const wrong = renderSlogan('BHXH', { width: 64, height: 16 });
    expect(() => driver.show({ id: 'x', frames: wrong.frames })).toThrow(/64×16, the board is 96×16/);
    expect(driver.status().programmeId).toBeNull();
  });
});
