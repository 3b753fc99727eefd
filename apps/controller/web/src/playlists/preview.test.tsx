// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ContentView } from '../api/client';
import { I18nProvider } from '../i18n/i18n';
import { boardSizesKey, type BoardSizeView } from '../led/fleet-boards';
import PlaylistPreview, { type PreviewEntry } from './preview';

afterEach(cleanup);

const content = [
  { id: 's1', type: 'slogan', text: 'Đóng BHXH đúng hạn', title: 'Khẩu hiệu', createdAt: '' },
  { id: 'st', type: 'stream', title: 'Truyền hình tỉnh', url: 'https://tv.example.vn/live/index.m3u8', createdAt: '' },
] as ContentView[];

/** The board sizes in use answer as given, without a request: an empty fleet unless told. */
function clientWith(fleet: BoardSizeView[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(boardSizesKey, fleet);
  return client;
}

function show(items: PreviewEntry[], client = clientWith([])) {
  return (
    <QueryClientProvider client={client}>
      <I18nProvider locale="vi">
        <PlaylistPreview items={items} content={content} />
      </I18nProvider>
    </QueryClientProvider>
  );
}

describe('PlaylistPreview', () => {
  it('shows a slogan on the LED board and as screen text, a stream by name only, and steps with its buttons', () => {
    const items = [
      { key: 1, contentId: 's1', durationMs: 2000 },
      { key: 2, contentId: 'st', durationMs: 3000 },
    ];
    const { rerender } = render(show(items));
    expect(screen.getByText('Mục 1/2: Khẩu hiệu')).toBeTruthy();
    expect(screen.getByRole('img', { name: /Xem trước trên bảng 96×16: Đóng BHXH đúng hạn/ })).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Thời gian của mục đang phát' }).getAttribute('max')).toBe('2000');

    fireEvent.click(screen.getByRole('button', { name: 'Tạm dừng xem thử' }));
    expect(screen.getByText('Đang tạm dừng')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Mục sau' }));
    expect(screen.getByText(/^Mục 2\/2: Truyền hình tỉnh/)).toBeTruthy();
    expect(screen.getByText('https://tv.example.vn/live/index.m3u8')).toBeTruthy();
    // Nothing loads the remote stream.
    expect(document.querySelector('video, iframe, img')).toBeNull();
    expect(screen.getByTestId('preview-left').textContent).toBe('Còn 3 giây');

    // The list edited in the form: the item on screen moves with it and takes its new duration.
    rerender(show([{ ...items[1]!, durationMs: 5000 }, items[0]!]));
    expect(screen.getByText(/^Mục 1\/2: Truyền hình tỉnh/)).toBeTruthy();
    expect(screen.getByTestId('preview-left').textContent).toBe('Còn 5 giây');

    fireEvent.keyDown(screen.getByRole('button', { name: 'Mục trước' }), { key: 'ArrowRight' });
    expect(screen.getByText(/^Mục 2\/2: Khẩu hiệu/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Phát xem thử' }));
    expect(screen.queryByText('Đang tạm dừng')).toBeNull();
  });

  it('previews on the size with the most boards in use first, and still offers the common sizes', () => {
    const fleet = [
      { size: '80x12', width: 80, height: 12, colour: 'mono', boards: 3, devices: 2, districts: ['Huyện Duy Xuyên'] },
      { size: '128x32', width: 128, height: 32, colour: 'tri', boards: 1, devices: 1, districts: ['Huyện Đại Lộc'] },
    ] satisfies BoardSizeView[];
    render(show([{ key: 1, contentId: 's1', durationMs: 2000 }], clientWith(fleet)));
    expect(screen.getByRole('img', { name: /Xem trước trên bảng 80×12: Đóng BHXH đúng hạn/ })).toBeTruthy();
    const options = [...screen.getByLabelText('Cỡ bảng LED').querySelectorAll('option')].map((o) => o.textContent);
    expect(options).toEqual(['80×12 (đang dùng: 3 bảng)', '128×32 (đang dùng: 1 bảng) · Ba màu', '96×16', '64×32']);
  });

  it('says so when an item is no longer in the library', () => {
    render(show([{ key: 1, contentId: 'da-xoa', durationMs: 2000 }]));
    expect(screen.getByText('Nội dung này không còn trong thư viện.')).toBeTruthy();
  });
});
