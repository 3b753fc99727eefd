// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { I18nProvider } from '../i18n/i18n';
import { ReenrolmentList, reenrolKey, type ReenrolmentView } from './reenrolments';

afterEach(cleanup);

const base = { address: '10.0.0.7', lastSeenAt: '2026-12-03T07:00:00.000Z', groupId: null };
const rows: ReenrolmentView[] = [
  {
    ...base,
    id: 'r1',
    deviceId: 'd1',
    name: 'Bảng LED Núi Thành',
    fingerprint: '0123456789ab',
    status: 'pending',
    known: null,
  },
  {
    ...base,
    id: 'r2',
    deviceId: 'd2',
    name: 'Kiosk Hội An',
    fingerprint: 'ba9876543210',
    status: 'rejected',
    known: { name: 'Kiosk Hội An', kind: 'kiosk', groupId: null },
  },
];

function show(data: ReenrolmentView[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData(reenrolKey, data);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider locale="vi">
        <ReenrolmentList groups={[{ id: 'g1', name: 'Núi Thành', kind: 'district', parentId: null }]} />
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe('ReenrolmentList', () => {
  it('lists the requests under a Vietnamese heading, with approve/reject only while pending', () => {
    show(rows);
    expect(screen.getByRole('heading', { name: 'Thiết bị xin kết nối lại' })).toBeTruthy();
    const pending = screen.getByText('Bảng LED Núi Thành').closest('tr')!;
    expect(within(pending).getByText('0123456789ab')).toBeTruthy();
    expect(within(pending).getByRole('button', { name: 'Duyệt: Bảng LED Núi Thành' })).toBeTruthy();
    expect(within(pending).getByRole('button', { name: 'Từ chối: Bảng LED Núi Thành' })).toBeTruthy();
    // Not in the database: the admin picks its kind too.
    expect(within(pending).getByLabelText('Loại thiết bị: Bảng LED Núi Thành')).toBeTruthy();
    const rejected = screen.getByText('Đã từ chối').closest('tr')!;
    expect(within(rejected).queryByRole('button')).toBeNull();
  });

  it('shows nothing when no device is waiting', () => {
    const { container } = show([]);
    expect(container.textContent).toBe('');
  });
});
