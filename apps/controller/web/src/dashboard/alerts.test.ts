import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/format';
import { alertText, formatBytes } from './alerts';

const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
  translate('vi', key, params);
const fmt = {
  dateTime: () => '05/01/2026 10:00:00',
  number: (n: number, d = 1) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: d }).format(n),
};
const base = { deviceId: 'x', deviceName: 'Bảng LED Đại Lộc', districtId: null };

describe('alert sentences', () => {
  it('says each alert in Vietnamese', () => {
    expect(alertText({ ...base, kind: 'offline', since: '2026-01-05T03:00:00Z', detail: null }, t, fmt)).toBe(
      'Bảng LED Đại Lộc: ngoại tuyến quá 10 phút (liên lạc lần cuối 05/01/2026 10:00:00)',
    );
    expect(alertText({ ...base, kind: 'offline', since: null, detail: null }, t, fmt)).toContain('chưa từng kết nối');
    expect(alertText({ ...base, kind: 'board', since: null, detail: 'led:cong (/dev/ttyUSB0)' }, t, fmt)).toBe(
      'Bảng LED Đại Lộc: mất kết nối cổng bảng LED led:cong (/dev/ttyUSB0)',
    );
    expect(
      alertText({ ...base, kind: 'disk', since: null, detail: `${600 * 1024 ** 2}/${64 * 1024 ** 3}` }, t, fmt),
    ).toBe('Bảng LED Đại Lộc: ổ đĩa sắp đầy (còn trống 600 MB trên 64 GB)');
  });

  it('formats bytes in binary units with a Vietnamese decimal comma', () => {
    expect(formatBytes(1536 * 1024 ** 2, fmt.number)).toBe('1,5 GB');
    expect(formatBytes(512, fmt.number)).toBe('512 B');
  });
});
