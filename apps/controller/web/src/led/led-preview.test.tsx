// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { I18nProvider } from '../i18n/i18n';
import { LedPreview } from './led-preview';

afterEach(cleanup);

describe('LedPreview', () => {
  it('shows the renderer’s fit report and frames for a long slogan on a 96×16 board', () => {
    render(
      <I18nProvider locale="vi">
        <LedPreview
          text="Tham gia bảo hiểm xã hội tự nguyện để được hưởng lương hưu"
          board={{ width: 96, height: 16 }}
        />
      </I18nProvider>,
    );
    const canvas = screen.getByRole('img', { name: /Xem trước trên bảng 96×16/ });
    expect(Number(canvas.getAttribute('data-frames'))).toBeGreaterThan(1);
    expect(canvas.getAttribute('width')).toBe(String(96 * 5));
    expect(screen.getByText(/^Bố cục:/).textContent).toMatch(/chạy chữ|trang/);
    expect(screen.getByRole('button', { name: 'Tạm dừng' })).toBeTruthy();
  });

  it('lights LEDs at once for a short slogan that fits', () => {
    render(
      <I18nProvider locale="vi">
        <LedPreview text="Bảo hiểm xã hội" board={{ width: 128, height: 32 }} />
      </I18nProvider>,
    );
    const canvas = screen.getByRole('img', { name: /128×32/ });
    expect(canvas.getAttribute('data-frames')).toBe('1');
    expect(Number(canvas.getAttribute('data-lit'))).toBeGreaterThan(50);
    expect(screen.queryByRole('button', { name: 'Tạm dừng' })).toBeNull();
  });

  it('explains why a slogan cannot be drawn instead of failing', () => {
    render(
      <I18nProvider locale="en">
        <LedPreview text={'x'.repeat(2001)} board={{ width: 96, height: 16 }} />
      </I18nProvider>,
    );
    expect(screen.getByRole('alert').textContent).toMatch(/2001 characters/);
  });
});
