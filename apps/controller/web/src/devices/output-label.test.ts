import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/format';
import { outputLabel } from './output-label';

describe('outputLabel', () => {
  const vi = (key: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('vi', key, p);
  it('names a board and a screen plainly, without the player-side kind prefix', () => {
    expect(outputLabel(vi, { id: 'led:bang-tam-ky', kind: 'led' })).toBe('Bảng bang-tam-ky');
    expect(outputLabel(vi, { id: 'screen:main', kind: 'screen' })).toBe('Màn hình main');
    expect(outputLabel(vi, { id: 'log', kind: 'log' })).toBe('log');
  });
});
