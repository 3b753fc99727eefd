import type { DeviceAlert } from '../api/client';
import type { MessageKey } from '../i18n/messages';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** `1,5 GB`: disk space as staff read it (binary units, one decimal). */
export function formatBytes(n: number, number: (n: number, digits?: number) => string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${number(v, u === 0 ? 0 : 1)} ${units[u]}`;
}

/** One alert as a sentence, e.g. "Bảng LED Đại Lộc: mất kết nối bảng LED led:cong (/dev/ttyUSB0)". */
export function alertText(
  a: DeviceAlert,
  t: T,
  fmt: { dateTime(i: string | null): string; number(n: number, digits?: number): string },
): string {
  switch (a.kind) {
    case 'offline':
      return a.since
        ? t('dashboard.alert.offline', { device: a.deviceName, time: fmt.dateTime(a.since) })
        : t('dashboard.alert.offlineNever', { device: a.deviceName });
    case 'board':
      return t('dashboard.alert.board', { device: a.deviceName, board: a.detail ?? '' });
    case 'disk': {
      const [free, total] = (a.detail ?? '').split('/').map(Number);
      return t('dashboard.alert.disk', {
        device: a.deviceName,
        free: formatBytes(free ?? 0, fmt.number),
        total: formatBytes(total ?? 0, fmt.number),
      });
    }
    case 'storage': {
      const [state, unrecorded, lost] = (a.detail ?? '').split(':');
      if (state === 'recovered')
        return t('dashboard.alert.recovered', {
          device: a.deviceName,
          time: fmt.dateTime(a.since),
          n: Number(unrecorded ?? 0),
        });
      if (Number(unrecorded) === 0 && Number(lost) > 0)
        return t('dashboard.alert.storageLost', { device: a.deviceName, lost: Number(lost) });
      return t(state === 'error' ? 'dashboard.alert.storageError' : 'dashboard.alert.storageFull', {
        device: a.deviceName,
        n: Number(unrecorded ?? 0),
      });
    }
  }
}
