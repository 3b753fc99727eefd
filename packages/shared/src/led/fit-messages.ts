/** Staff-facing wording of the fit report and warnings: Vietnamese first, English alongside. */

export type RenderWarningCode =
  | 'too-few-rows'
  | 'missing-glyph'
  | 'text-too-long'
  | 'word-cut'
  | 'text-clipped'
  | 'font-too-tall'
  | 'colour-not-supported';

export interface RenderWarning {
  code: RenderWarningCode;
  message: string;
  messageEn: string;
}

/** Vietnamese writes decimals with a comma: 3,2. */
function decimalVi(n: number): string {
  return n.toFixed(1).replace('.', ',');
}

function seconds(ms: number): { vi: string; en: string } {
  const s = Math.round(ms / 100) / 10;
  if (s >= 10 || Number.isInteger(s)) return { vi: String(Math.round(s)), en: String(Math.round(s)) };
  return { vi: decimalVi(s), en: s.toFixed(1) };
}

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

interface WarningArgs {
  rows?: number;
  need?: number;
  cp?: number;
  font?: string;
  ms?: number;
  pages?: number;
  colour?: number;
  board?: string;
}

export function warning(code: RenderWarningCode, a: WarningArgs): RenderWarning {
  switch (code) {
    case 'too-few-rows':
      return {
        code,
        message: `Bảng này chỉ có ${a.rows} hàng: chữ tiếng Việt có dấu cần ít nhất 12 hàng`,
        messageEn: `This board has ${a.rows} rows: Vietnamese diacritics need at least 12`,
      };
    case 'missing-glyph': {
      const ch = String.fromCodePoint(a.cp ?? 0xfffd);
      return {
        code,
        message: `Phông ${a.font} không có ký tự “${ch}” (${hex(a.cp ?? 0xfffd)}): hiện thành ô vuông`,
        messageEn: `Font ${a.font} has no glyph for “${ch}” (${hex(a.cp ?? 0xfffd)}): shown as a box`,
      };
    }
    case 'text-too-long':
      if (a.pages !== undefined) {
        return {
          code,
          message: `Khẩu hiệu cần ${a.pages} trang: nên rút ngắn`,
          messageEn: `The slogan needs ${a.pages} pages: consider shortening it`,
        };
      }
      return {
        code,
        message: `Chạy chữ mất ${seconds(a.ms ?? 0).vi} giây: nên rút ngắn khẩu hiệu (tối đa 60 giây)`,
        messageEn: `Scrolling takes ${seconds(a.ms ?? 0).en} s: consider shortening the slogan (60 s at most)`,
      };
    case 'word-cut':
      return {
        code,
        message: 'Có từ dài hơn chiều rộng bảng: từ đó bị cắt sang trang sau',
        messageEn: 'A word is wider than the board: it is cut across pages',
      };
    case 'text-clipped':
      return {
        code,
        message: 'Chữ không vừa bảng ở chế độ tĩnh: phần cuối bị cắt (nên dùng chạy chữ)',
        messageEn: 'Text does not fit the board as a static screen: the end is cut off (use scrolling)',
      };
    case 'font-too-tall':
      return {
        code,
        message: `Phông ${a.font} cao ${a.need} hàng, bảng chỉ có ${a.rows} hàng: chữ bị cắt trên dưới`,
        messageEn: `Font ${a.font} needs ${a.need} rows but the board has ${a.rows}: text is cropped`,
      };
    case 'colour-not-supported':
      return {
        code,
        message: `Bảng ${a.board === 'mono' ? 'một màu' : 'ba màu'} không hiện được màu số ${a.colour}: dùng màu mặc định`,
        messageEn: `A ${a.board === 'mono' ? 'single-colour' : 'tri-colour'} board cannot show colour ${a.colour}: using the default`,
      };
  }
}

export function describeFit(f: {
  mode: 'static' | 'paged' | 'scroll';
  screensWide: number;
  pages: number;
  pageMs: number;
  totalMs: number;
  lines: number;
}): { message: string; messageEn: string } {
  const wideVi = `Rộng ${decimalVi(f.screensWide)} màn hình`;
  const wideEn = `${f.screensWide.toFixed(1)} screens wide`;
  if (f.mode === 'static') {
    const linesVi = f.lines > 1 ? ` trên ${f.lines} dòng` : '';
    const linesEn = f.lines > 1 ? ` on ${f.lines} lines` : '';
    return {
      message: `Vừa một màn hình${linesVi}: hiển thị đứng yên`,
      messageEn: `Fits one screen${linesEn}: shown still`,
    };
  }
  if (f.mode === 'paged') {
    const each = seconds(f.pageMs);
    return {
      message: `${wideVi}: chia ${f.pages} trang, mỗi trang ${each.vi} giây`,
      messageEn: `${wideEn}: ${f.pages} pages, ${each.en} s each`,
    };
  }
  const total = seconds(f.totalMs);
  return {
    message: `${wideVi}: chạy chữ trong ${total.vi} giây`,
    messageEn: `${wideEn}: scrolls in ${total.en} s`,
  };
}
