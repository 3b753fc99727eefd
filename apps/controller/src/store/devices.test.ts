import { describe, expect, it } from 'vitest';
import { LedOutputConfigSchema } from '@bangtin/shared';
import { freshStores } from './test-store';

const fresh = freshStores('devices');

describe('DeviceStore handshake reads', () => {
  it('authByToken and greeting give what byToken and get give, for known, revoked and unknown devices', () => {
    const store = fresh();
    const a = store.devices.create({ name: 'Bảng LED Tam Kỳ', kind: 'led', groupId: null });
    const b = store.devices.create({ name: 'Kiosk Hội An', kind: 'kiosk', groupId: null });
    store.devices.setOutputConfig(a.device.id, [
      LedOutputConfigSchema.parse({ name: 'sanh', protocol: 'alpha', port: '/dev/ttyUSB0' }),
    ]);
    store.devices.revoke(b.device.id);
    for (const { device, token } of [a, b]) {
      const full = store.devices.byToken(token)!;
      expect(store.devices.authByToken(token)).toEqual({ id: full.id, revokedAt: full.revokedAt });
      expect(store.devices.greeting(device.id)).toEqual({ name: full.name, outputConfig: full.outputConfig });
    }
    expect(store.devices.authByToken(b.token)!.revokedAt).not.toBeNull();
    expect(store.devices.greeting(a.device.id)!.outputConfig).toHaveLength(1);
    expect(store.devices.authByToken('dev_unknown')).toBeNull();
    expect(store.devices.greeting('no-such-device')).toBeNull();
  });
});
