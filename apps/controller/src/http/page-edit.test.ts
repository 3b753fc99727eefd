/**
 * Editing a kiosk page on a real controller (port 0, SQLite in a temp folder, a real Socket.IO player):
 * title, text and QR codes change with the same checks as on creation, and the screen gets the page anew.
 */
import type { Bundle } from '@bangtin/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { qrFigures } from './page-html';
import { createHarness } from './test-harness';

const harness = createHarness('page-edit');
afterEach(() => harness.cleanup());

const VSSID = 'https://vssid.baohiemxahoi.gov.vn/';

describe('PATCH /content/:id on a page', () => {
  it('changes title, text and QR codes, sanitises like creation and pushes the page to the kiosk showing it', async () => {
    const h = await harness.start();
    const { call, admin } = h;
    const page = await call(admin, 'POST', '/content', {
      type: 'page',
      title: 'Hướng dẫn cài VssID',
      html: '<p>Tải ứng dụng VssID</p>',
      qrCodes: [{ url: VSSID, label: 'Tải VssID' }],
    });
    expect(page.status, JSON.stringify(page.body)).toBe(201);
    const id = page.body.id as string;
    const district = (await call(admin, 'POST', '/groups', { name: 'Tam Kỳ', kind: 'district' })).body;
    const kiosk = (await call(admin, 'POST', '/devices', { name: 'Kiosk sảnh', kind: 'kiosk', groupId: district.id }))
      .body as { id: string; token: string };
    const playlist = await call(admin, 'POST', '/playlists', {
      name: 'Kiosk',
      items: [{ contentId: id, durationMs: 30_000 }],
    });
    const schedule = await call(admin, 'POST', '/schedules', {
      playlistId: playlist.body.id,
      target: { groupIds: [district.id] },
      priority: 10,
      recurrence: { kind: 'always' },
    });
    expect(schedule.status, JSON.stringify(schedule.body)).toBe(201);
    const socket = h.player(kiosk.token);
    const received: Bundle[] = [];
    socket.on('bundle', (b) => received.push(b));
    await expect.poll(() => received.length).toBe(1);
    const pageIn = (b: Bundle) => b.content.find((c) => c.id === id);
    expect(pageIn(received[0]!)).toMatchObject({ title: 'Hướng dẫn cài VssID' });

    // The editor opens what was written, without the generated QR figure.
    const source = await call(admin, 'GET', `/content/${id}/source`);
    expect(source.body).toEqual({
      title: 'Hướng dẫn cài VssID',
      html: '<p>Tải ứng dụng VssID</p>',
      qrCodes: [{ url: VSSID, label: 'Tải VssID' }],
    });

    // Title only: the text and its QR figure stay.
    const renamed = await call(admin, 'PATCH', `/content/${id}`, { title: 'Cài VssID trên điện thoại' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.title).toBe('Cài VssID trên điện thoại');
    expect(renamed.body.html).toBe(page.body.html);
    await expect.poll(() => pageIn(received.at(-1)!)?.title).toBe('Cài VssID trên điện thoại');

    // New text: sanitised as on creation, the QR figure kept after it.
    const text = await call(admin, 'PATCH', `/content/${id}`, {
      html: '<p>Bước 1: mở CH Play</p><script>alert(1)</script><ul><li>Bước 2: tìm VssID</li></ul>',
    });
    expect(text.status, JSON.stringify(text.body)).toBe(200);
    expect(text.body.html).not.toContain('script');
    expect(text.body.html).not.toContain('alert');
    expect(text.body.html.startsWith('<p>Bước 1: mở CH Play</p><ul><li>Bước 2: tìm VssID</li></ul>')).toBe(true);
    expect(text.body.html.match(/<figure class="qr">/g)).toHaveLength(1);
    expect(text.body.html).toContain('<figcaption>Tải VssID</figcaption>');

    // QR codes replaced: figures regenerated, text kept.
    const qr = await call(admin, 'PATCH', `/content/${id}`, {
      qrCodes: [
        { url: VSSID, label: 'Tải VssID' },
        { url: 'https://baohiemxahoi.gov.vn/', label: 'Cổng BHXH Việt Nam' },
      ],
    });
    expect(qr.status, JSON.stringify(qr.body)).toBe(200);
    expect(qr.body.html.match(/<figure class="qr">/g)).toHaveLength(2);
    expect(qr.body.html).toContain('<figcaption>Cổng BHXH Việt Nam</figcaption>');
    expect(qr.body.html.startsWith('<p>Bước 1: mở CH Play</p>')).toBe(true);
    await expect.poll(() => pageIn(received.at(-1)!)).toEqual(qr.body);
    // The view adds the approval state (issue 10) to the stored item.
    expect((await call(admin, 'GET', `/content/${id}`)).body).toMatchObject({ ...qr.body, status: 'approved' });
    expect((await call(admin, 'GET', `/content/${id}/source`)).body.qrCodes).toHaveLength(2);

    // Refusals name the field and change nothing.
    const badUrl = await call(admin, 'PATCH', `/content/${id}`, { qrCodes: [{ url: 'ftp://x.vn/a', label: 'x' }] });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error.field).toBe('qrCodes.0.url');
    const audio = await call(admin, 'PATCH', `/content/${id}`, { audio: true });
    expect(audio.status).toBe(400);
    expect(audio.body.error.field).toBe('audio');
    const mixed = await call(admin, 'PATCH', `/content/${id}`, { title: 'Mới', url: 'https://x.vn/a.m3u8' });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.field).toBe('url');
    const slogan = await call(admin, 'POST', '/content', { type: 'slogan', text: 'Đóng BHXH đúng hạn' });
    const onSlogan = await call(admin, 'PATCH', `/content/${slogan.body.id}`, { html: '<p>x</p>' });
    expect(onSlogan.status).toBe(400);
    expect(onSlogan.body.error.field).toBe('html');

    h.c.store.users.create({ username: 'lanhdao', password: 'mat-khau-lanh-dao', role: 'viewer', groupId: null });
    const viewer = await h.login('lanhdao', 'mat-khau-lanh-dao');
    expect((await call(viewer, 'PATCH', `/content/${id}`, { title: 'Của lãnh đạo' })).status).toBe(403);
    // The view adds the approval state (issue 10) to the stored item.
    expect((await call(admin, 'GET', `/content/${id}`)).body).toMatchObject({ ...qr.body, status: 'approved' });
  });

  it('keeps the QR figures of a page stored before its source was kept when only its text changes', async () => {
    const h = await harness.start();
    const figures = await qrFigures([{ url: VSSID, label: 'Tải VssID' }]);
    const old = h.c.store.content.createRich(
      { type: 'page', title: 'Trang cũ', html: `<p>Nội dung cũ</p>${figures}`, media: [] },
      null,
    );
    const source = await h.call(h.admin, 'GET', `/content/${old.id}/source`);
    expect(source.body).toEqual({ title: 'Trang cũ', html: '<p>Nội dung cũ</p>', qrCodes: [] });
    const edited = await h.call(h.admin, 'PATCH', `/content/${old.id}`, { html: '<p>Nội dung mới</p>' });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.html).toBe(`<p>Nội dung mới</p>${figures}`);
    const again = await h.call(h.admin, 'PATCH', `/content/${old.id}`, { html: '<p>Lần hai</p>' });
    expect(again.body.html).toBe(`<p>Lần hai</p>${figures}`);
    const cleared = await h.call(h.admin, 'PATCH', `/content/${old.id}`, { qrCodes: [] });
    expect(cleared.body.html).toBe('<p>Lần hai</p>');
  });
});
