import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/format';
import type { MessageKey } from '../i18n/messages';
import { ApiError } from './client';
import { errorText, fieldError, formError } from './errors';

const t = (key: MessageKey, params?: Record<string, string | number>) => translate('vi', key, params);

describe('API errors in forms', () => {
  const itemErr = new ApiError(400, 'invalid-input', 'items.2.durationMs: Too small', 'items.2.durationMs');

  it('puts an error beside the field it names, including sub-paths', () => {
    expect(fieldError(t, itemErr, 'items.2')).toBe('items.2.durationMs: Too small');
    expect(fieldError(t, itemErr, 'items.1')).toBeNull();
    expect(fieldError(t, itemErr, 'items.20')).toBeNull();
    expect(formError(t, itemErr, ['name', 'items.2'])).toBeNull();
    expect(formError(t, itemErr, ['name'])).toBe('items.2.durationMs: Too small');
  });

  it('translates known codes and keeps unknown messages', () => {
    expect(errorText(t, new ApiError(401, 'invalid-credentials', 'wrong username or password', 'password'))).toBe(
      'Sai tên đăng nhập hoặc mật khẩu.',
    );
    expect(errorText(t, new ApiError(0, 'network', 'x'))).toBe('Không kết nối được máy chủ điều khiển.');
    expect(errorText(t, new Error('boom'))).toBe('Lỗi: boom');
    expect(formError(t, null, [])).toBeNull();
  });
});
