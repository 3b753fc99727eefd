/**
 * Remote screenshots and the kiosk survey's questions on a real controller (port 0, SQLite in a temp
 * folder, a real Socket.IO player client): the `screenshot` command, the player's `screenshot:upload`
 * checked by its bytes, the latest screenshot served to staff, and `survey:config` pushed to players.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { DEFAULT_SURVEY_CONFIG, type DeviceCommand, SCREENSHOT_MAX_BYTES, type SurveyConfig } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness } from './test-harness';

const harness = createHarness('screenshot');
afterEach(() => harness.cleanup());
const setup = () => harness.start();

function pngOf(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([(i / 4) % 256, 0x3d, 0x91, 255], i);
  return PNG.sync.write(png);
}

describe('remote screenshot', () => {
  it('sends the command, stores the PNG the player uploads, and serves the latest to editors', async () => {
    const { c, call, admin, login, player, dataDir } = await setup();
    const dev = await call(admin, 'POST', '/devices', { name: 'Màn hình sảnh', kind: 'kiosk' });
    const id = dev.body.id as string;
    expect((await call(admin, 'GET', `/devices/${id}/screenshot`)).status).toBe(404);
    expect((await call(admin, 'POST', `/devices/${id}/commands`, { command: 'screenshot' })).status).toBe(409);

    const socket = player(dev.body.token);
    const commands: DeviceCommand[] = [];
    socket.on('device:command', (cmd) => commands.push(cmd));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const cmd = await call(admin, 'POST', `/devices/${id}/commands`, { command: 'screenshot' });
    expect(cmd).toMatchObject({ status: 202, body: { delivered: 1 } });
    await expect.poll(() => commands).toEqual([{ command: 'screenshot' }]);

    const upload = (shot: unknown) =>
      socket
        .timeout(5000)
        .emitWithAck('screenshot:upload', shot as Parameters<typeof socket.emit<'screenshot:upload'>>[1]);
    const capturedAt = Date.UTC(2026, 10, 29, 3, 0, 0);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100)]);
    expect(await upload({ png: jpeg, capturedAt, output: 'screen' })).toMatchObject({
      error: { code: 'unsupported-media-type', field: 'png' },
    });
    expect(await upload({ png: 'iVBORw0KGgo=', capturedAt, output: 'screen' })).toMatchObject({
      error: { code: 'invalid-screenshot', field: 'png' },
    });
    const huge = Buffer.concat([pngOf(2, 2), Buffer.alloc(SCREENSHOT_MAX_BYTES)]);
    expect(await upload({ png: huge, capturedAt, output: 'screen' })).toMatchObject({
      error: { code: 'invalid-screenshot', field: 'png' },
    });
    expect((await call(admin, 'GET', `/devices/${id}/screenshot`)).status).toBe(404);

    const first = pngOf(320, 180);
    expect(await upload({ png: first, capturedAt, output: 'screen' })).toEqual({
      stored: true,
      width: 320,
      height: 180,
    });
    const second = pngOf(384, 192);
    expect(await upload({ png: second, capturedAt: capturedAt + 60_000, output: 'screen' })).toMatchObject({
      stored: true,
    });

    // Only the latest is kept: one file, one row.
    expect(fs.readdirSync(path.join(dataDir, 'screenshots'))).toEqual([`${id}.png`]);
    const res = await fetch(`${c.url}/api/v1/devices/${id}/screenshot`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-captured-at')).toBe('2026-11-29T03:01:00.000Z');
    expect(Buffer.from(await res.arrayBuffer()).equals(second)).toBe(true);

    c.store.users.create({ username: 'lanhdao', password: 'mat-khau-lanh-dao', role: 'viewer', groupId: null });
    const viewer = await login('lanhdao', 'mat-khau-lanh-dao');
    expect((await call(viewer, 'GET', `/devices/${id}/screenshot`)).status).toBe(403);
  });
});

describe('kiosk survey configuration', () => {
  it('validates and NFC-normalises the questions, keeps them, and pushes them to connected players', async () => {
    const { call, admin, login, player, c } = await setup();
    const dev = await call(admin, 'POST', '/devices', { name: 'Kiosk Tam Kỳ', kind: 'kiosk' });
    const socket = player(dev.body.token);
    const seen: SurveyConfig[] = [];
    socket.on('survey:config', (cfg) => seen.push(cfg));
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toEqual(DEFAULT_SURVEY_CONFIG);
    expect((await call(admin, 'GET', '/surveys/config')).body).toEqual(DEFAULT_SURVEY_CONFIG);

    const config = {
      id: 'tam-ky-2026',
      question: '  Ông/bà có hài lòng không?  '.normalize('NFD'),
      ratingLabels: ['Không', 'Có'],
      choiceQuestion: null,
    };
    const dup = {
      ...config,
      choiceQuestion: {
        question: 'Thủ tục?',
        options: [
          { key: 'a', label: 'A' },
          { key: 'a', label: 'B' },
        ],
      },
    };
    expect(await call(admin, 'PUT', '/surveys/config', dup)).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-survey-config', field: 'choiceQuestion.options' } },
    });
    expect(
      await call(admin, 'PUT', '/surveys/config', { ...config, ratingLabels: ['1', '2', '3', '4', '5', '6'] }),
    ).toMatchObject({
      status: 400,
      body: { error: { field: 'ratingLabels' } },
    });
    expect((await call(admin, 'PUT', '/surveys/config', { ...config, id: 'Có dấu' })).status).toBe(400);

    c.store.users.create({ username: 'bientap', password: 'mat-khau-bien-tap', role: 'editor', groupId: null });
    const editor = await login('bientap', 'mat-khau-bien-tap');
    expect((await call(editor, 'PUT', '/surveys/config', config)).status).toBe(403);
    expect((await call(editor, 'GET', '/surveys/config')).status).toBe(403);

    const put = await call(admin, 'PUT', '/surveys/config', config);
    const expected = { ...config, question: 'Ông/bà có hài lòng không?'.normalize('NFC') };
    expect(put).toEqual({ status: 200, body: expected });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen[1]).toEqual(expected);
    expect((await call(admin, 'GET', '/surveys/config')).body).toEqual(expected);

    // A player connecting later gets the stored questions.
    const late: SurveyConfig[] = [];
    player(dev.body.token).on('survey:config', (cfg) => late.push(cfg));
    await expect.poll(() => late).toEqual([expected]);
  });
});
