import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CreatePlaylistBodySchema,
  CreateUserBodySchema,
  fromZodError,
  IdSchema,
  LedOutputConfigSchema,
  LocalDateSchema,
} from '@bangtin/shared';
import { translate } from '../i18n/format';
import type { Locale, MessageKey } from '../i18n/messages';
import { ApiError } from './client';
import { errorText, fieldError, fieldLabel, formError, inUseText } from './errors';

const tr = (locale: Locale) => (key: MessageKey, params?: Record<string, string | number>) =>
  translate(locale, key, params);
const t = tr('vi');

/** The ApiError the browser gets when the controller's `parse()` refuses `input` (same code path). */
function refusal(schema: z.ZodType, input: unknown, code = 'invalid-input'): ApiError {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('expected a refusal');
  const e = fromZodError(r.error, code).error;
  return new ApiError(400, e.code, e.message, e.field);
}

const board = { name: 'cong-chinh', protocol: 'alpha', port: '/dev/ttyUSB0', baud: 9600, size: '96x16', address: '00' };
const Boards = z.array(LedOutputConfigSchema).max(16, 'at most 16 boards per device');

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
    expect(errorText(t, new ApiError(429, 'login-busy', 'too many logins at once', 'password'))).toBe(
      'Máy chủ đang bận kiểm tra đăng nhập: hãy thử lại sau vài giây.',
    );
    expect(errorText(t, new Error('boom'))).toBe('Lỗi: boom');
    expect(formError(t, null, [])).toBeNull();
  });
});

describe('validation errors in Vietnamese', () => {
  it('name the field by its Vietnamese label and the item it is in', () => {
    expect(fieldLabel(t, 'baud')).toBe('Tốc độ baud');
    expect(fieldLabel(t, '0.baud')).toBe('Tốc độ baud (mục 1)');
    expect(fieldLabel(t, 'items.2.durationMs')).toBe('Thời lượng (ms) (mục 3)');
    expect(fieldLabel(t, 'target.groupIds.0')).toBe('Địa bàn (mục 1)');
    expect(fieldLabel(t, 'somethingNew')).toBeNull();
  });

  it('a board with a bad baud rate, address, name or size (real zod output)', () => {
    const baud = refusal(Boards, [board, { ...board, name: 'phu', baud: 1234 }], 'invalid-output');
    expect(baud.field).toBe('1.baud');
    expect(fieldError(t, baud, '1.baud')).toBe(
      'Tốc độ baud (mục 2): phải là một trong: 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200',
    );
    expect(errorText(t, refusal(Boards, [{ ...board, address: 'G1' }]))).toBe(
      'Địa chỉ bảng (mục 1): phải là hai chữ số hex (00 = mọi bảng trên đường truyền)',
    );
    expect(errorText(t, refusal(Boards, [{ ...board, name: 'Cổng chính' }]))).toBe(
      'Tên (mục 1): phải gồm 1–40 chữ cái không dấu, chữ số, - hoặc _',
    );
    expect(errorText(t, refusal(Boards, [{ ...board, size: '96*16' }]))).toBe(
      'Kích thước (mục 1): phải có dạng 96x16 (cột x hàng)',
    );
    expect(errorText(t, refusal(Boards, [{ ...board, protocol: 'vga' }]))).toBe(
      'Giao thức (mục 1): phải là một trong: alpha, bx, huidu',
    );
    expect(errorText(t, refusal(Boards, [{ ...board, protocol: 'bx' }]))).toBe(
      'Loại thẻ (mục 1): chưa chọn loại thẻ BX',
    );
    expect(errorText(t, refusal(Boards, [{ ...board, protocol: 'bx', card: 'bx-6q1' }]))).toBe(
      'Cổng nối tiếp (mục 1): thẻ bx-6q1 không có cổng nối tiếp: hãy nhập địa chỉ mạng IP:5005',
    );
    expect(
      errorText(t, refusal(Boards, [{ ...board, protocol: 'bx', card: 'bx-5e1', port: undefined, tcp: '10.0.0.5' }])),
    ).toBe('Địa chỉ mạng (mục 1): phải có dạng IP:cổng, ví dụ 192.168.1.50:5005');
    expect(errorText(t, refusal(Boards, [{ ...board, port: '' }]))).toBe('Cổng nối tiếp (mục 1): không được để trống');
    expect(
      errorText(
        t,
        refusal(
          Boards,
          Array.from({ length: 17 }, () => board),
        ),
      ),
    ).toBe('mỗi thiết bị có tối đa 16 bảng');
  });

  it('required fields, types, lengths, numbers, enums and formats (real zod output)', () => {
    expect(errorText(t, refusal(CreateUserBodySchema, { password: 'mat-khau-dai', role: 'admin' }))).toBe(
      'Tên đăng nhập: chưa nhập',
    );
    expect(
      errorText(t, refusal(CreateUserBodySchema, { username: 'an', password: 'mat-khau-dai', role: 'admin' })),
    ).toMatch(/^Tên đăng nhập: /);
    expect(
      errorText(t, refusal(CreateUserBodySchema, { username: 'nguyen.an', password: 'mat-khau-dai', role: 'sếp' })),
    ).toBe('Vai trò: phải là một trong: admin, editor, viewer');
    expect(
      errorText(t, refusal(CreateUserBodySchema, { username: 'nguyen.an', password: 'mat-khau-dai', role: 'editor' })),
    ).toBe('Địa bàn: biên tập viên cần được gán một huyện');
    expect(errorText(t, refusal(z.object({ name: z.string().max(200) }), { name: 'x'.repeat(201) }))).toBe(
      'Tên: tối đa 200 ký tự',
    );
    expect(errorText(t, refusal(z.object({ priority: z.number().int().min(1000) }), { priority: 5 }))).toBe(
      'Mức ưu tiên: phải lớn hơn hoặc bằng 1.000',
    );
    expect(errorText(t, refusal(z.object({ priority: z.number().max(10) }), { priority: 11 }))).toBe(
      'Mức ưu tiên: phải nhỏ hơn hoặc bằng 10',
    );
    expect(errorText(t, refusal(z.object({ priority: z.number() }), { priority: 'cao' }))).toBe(
      'Mức ưu tiên: phải là số',
    );
    expect(errorText(t, refusal(z.object({ tags: z.array(z.string()).max(2) }), { tags: ['a', 'b', 'c'] }))).toBe(
      'Nhãn: tối đa 2 mục',
    );
    expect(errorText(t, refusal(z.object({ deviceId: IdSchema }), { deviceId: 'x' }))).toBe(
      'Thiết bị: mã định danh không hợp lệ',
    );
    expect(errorText(t, refusal(z.object({ from: LocalDateSchema }), { from: '2027-02-30' }))).toBe(
      'Từ ngày: không phải ngày có thật',
    );
    expect(errorText(t, refusal(z.object({ from: LocalDateSchema }), { from: '30/02/2027' }))).toBe(
      'Từ ngày: phải là ngày dạng YYYY-MM-DD',
    );
    expect(errorText(t, refusal(z.strictObject({ name: z.string() }), { name: 'a', ghost: 1 }))).toBe(
      'có trường không được phép: ghost',
    );
    expect(
      errorText(t, refusal(CreatePlaylistBodySchema, { name: 'DS', items: [{ contentId: 'x', durationMs: 1000 }] })),
    ).toBe('Nội dung (mục 1): mã định danh không hợp lệ');
  });

  it('messages of the API’s own checks, with or without the field prefix', () => {
    expect(
      errorText(t, new ApiError(400, 'invalid-input', 'recurrence.days: pick at least one day', 'recurrence.days')),
    ).toBe('Ngày trong tuần: hãy chọn ít nhất một ngày');
    expect(
      errorText(
        t,
        new ApiError(
          400,
          'invalid-input',
          'recurrence.dayparts.1.start: overlaps daypart 07:00–11:30',
          'recurrence.dayparts.1.start',
        ),
      ),
    ).toBe('Giờ bắt đầu (mục 2): trùng với khung giờ 07:00–11:30');
    expect(errorText(t, new ApiError(400, 'invalid-output', 'board name led is used twice', '1.name'))).toBe(
      'Tên (mục 2): tên bảng led bị trùng',
    );
    expect(errorText(t, new ApiError(400, 'invalid-input', 'to: must not be before from', 'to'))).toBe(
      'Đến ngày: không được trước Từ ngày',
    );
    expect(errorText(t, new ApiError(400, 'invalid-input', 'endsAt: must be after startsAt', 'endsAt'))).toBe(
      'Kết thúc: phải sau Bắt đầu',
    );
  });

  it('falls back to the English message only for what it does not know', () => {
    const odd = new ApiError(400, 'invalid-input', 'recurrence.gizmo: the moon is not full', 'recurrence.gizmo');
    expect(errorText(t, odd)).toBe('recurrence.gizmo: the moon is not full');
    // An unknown field with a known detail keeps the path but says the rest in Vietnamese.
    expect(
      errorText(
        t,
        new ApiError(400, 'invalid-input', 'gizmo: Invalid input: expected string, received undefined', 'gizmo'),
      ),
    ).toBe('gizmo: chưa nhập');
  });

  it('speaks English when the UI does', () => {
    const baud = refusal(Boards, [{ ...board, baud: 1234 }]);
    expect(errorText(tr('en'), baud)).toBe(
      'Baud rate (item 1): must be one of: 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200',
    );
  });
});

describe('errorText for a full server disk', () => {
  it('says in Vietnamese that nothing can be saved, whatever English cause the controller names', () => {
    const err = new ApiError(
      507,
      'storage-full',
      'disk full at /var/lib/bangtin (SQLITE_FULL): changes cannot be saved until space is freed',
    );
    expect(errorText(t, err)).toBe('Ổ đĩa máy chủ đã đầy: không lưu được thay đổi. Hãy giải phóng dung lượng.');
    expect(errorText(tr('en'), err)).toBe('The server disk is full: changes cannot be saved. Free some space.');
  });
});

describe('an in-use refusal', () => {
  it('names what holds the item in the UI language, whatever English the API wrapped the names in', () => {
    const content = new ApiError(
      409,
      'in-use',
      'id: the content is in playlists "Cổng UBND", "Sảnh chính"; remove it there first',
      'id',
    );
    expect(inUseText(t, content, 'content.inUse')).toBe(
      'Không xoá được: nội dung đang nằm trong danh sách phát “Cổng UBND”, “Sảnh chính”.',
    );
    const playlist = new ApiError(
      409,
      'in-use',
      'id: the playlist is used by campaign "Tháng BHXH", schedule "Thứ Hai–Thứ Sáu, 07:00–17:00 · Tam Kỳ"',
      'id',
    );
    expect(inUseText(t, playlist, 'playlists.inUse')).toBe(
      'Không xoá được: danh sách đang được dùng bởi “Tháng BHXH”, “Thứ Hai–Thứ Sáu, 07:00–17:00 · Tam Kỳ”.',
    );
    expect(inUseText(tr('en'), playlist, 'playlists.inUse')).toMatch(/^Cannot delete: the playlist is used by “Tháng/);
    // Any other error reads as errorText says it: the other 409s in the UI language, never the API's English.
    for (const code of ['not-pending', 'group-cycle', 'group-level', 'group-not-empty', 'device-revoked']) {
      const text = errorText(t, new ApiError(409, code, 'status: the content is approved, not pending', 'status'));
      expect(text).not.toMatch(/not pending|status:/);
      expect(text).toBe(t(`error.${code}` as MessageKey));
    }
    const offline = new ApiError(409, 'device-offline', 'id: the device is not connected now', 'id');
    expect(inUseText(t, offline, 'playlists.inUse')).toBe(errorText(t, offline));
  });
});
