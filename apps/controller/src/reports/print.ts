import { TIMEZONE, utcToLocal } from '@bangtin/shared';
import type { ChainBreakKind } from '@bangtin/shared';
import type { ComplianceGroupRow } from './compliance';

/**
 * The printable campaign report (issue 11): one self-contained A4 HTML page the controller renders
 * itself, for leaders who print it or save it as PDF. No script at all (the admin CSP allows none
 * inline); its styles are one inline `<style>`, which that CSP allows, so the page also survives being
 * saved to a file or opened from a blob. Every value from the database goes through `esc`.
 */

export interface PrintAirtime {
  plays: number;
  /** As the airtime API answers it (one decimal). */
  airtimeSeconds: number;
}

export type PrintCompliance = Omit<ComplianceGroupRow, 'groupId' | 'groupName' | 'level'> & {
  level: ComplianceGroupRow['level'];
};

export interface PrintDevice extends PrintAirtime {
  name: string;
  compliance: PrintCompliance | null;
}

export interface PrintDistrict extends PrintAirtime {
  name: string;
  compliance: PrintCompliance | null;
  devices: PrintDevice[];
}

export interface PrintVerification {
  ok: boolean;
  checked: number;
  unchained: number;
  breaks: { seq: number; kind: ChainBreakKind; at: number; deviceName: string }[];
}

export interface CampaignReport {
  campaign: { name: string; startsOn: string; endsOn: string };
  /** Local dates `YYYY-MM-DD`, both inclusive. */
  from: string;
  to: string;
  generatedAt: number;
  /** For an editor: the district the report is limited to. */
  scope: string | null;
  total: PrintAirtime;
  compliance: PrintCompliance | null;
  days: { date: string; airtimeSeconds: number }[];
  districts: PrintDistrict[];
  verification: PrintVerification;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` → `dd/mm/yyyy`. */
export function dmy(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** An instant as `dd/mm/yyyy HH:mm`, Vietnam time, 24-hour. */
export function dmyHm(utcMs: number, timeZone = TIMEZONE): string {
  const d = new Date(utcToLocal(timeZone, utcMs));
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

const oneDecimal = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

/** Seconds as minutes the Vietnamese way: `1.234,5`. */
export const minutes = (seconds: number): string => oneDecimal.format(Math.round(seconds / 6) / 10);
export const count = (n: number): string => whole.format(n);
export const percent = (p: number | null): string => (p === null ? '—' : `${oneDecimal.format(p)} %`);

const LEVEL: Record<NonNullable<ComplianceGroupRow['level']>, string> = {
  green: 'Đạt',
  amber: 'Cần theo dõi',
  red: 'Không đạt',
};

export const BREAK_KIND: Record<ChainBreakKind, string> = {
  missing: 'thiếu bằng chứng (bị xoá hoặc chưa gửi)',
  'hash-mismatch': 'nội dung bị sửa',
  'seq-reused': 'số thứ tự bị dùng lại với nội dung khác',
};

/** The sentence under the report: what the proof-chain check found. */
export function verificationLine(v: PrintVerification): string {
  if (v.checked === 0 && v.breaks.length === 0) return 'Chưa có bằng chứng nào có chuỗi để xác minh.';
  if (v.ok) return `Đã xác minh ${count(v.checked)} bằng chứng: không có bằng chứng nào bị sửa hay bị xoá.`;
  return `Phát hiện ${count(v.breaks.length)} chỗ đứt trong chuỗi bằng chứng (đã kiểm tra ${count(v.checked)} bằng chứng).`;
}

const STYLE = `
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111;
  margin: 0 auto; max-width: 186mm; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
.sub { color: #444; margin: 0 0 3mm; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 6mm; margin: 0; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0 0 2mm; font-size: 9.5pt; }
th, td { border: 0.3mm solid #999; padding: 1mm 1.4mm; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
/* Headers wrap and names break anywhere: eight columns must fit 186 mm, or the printer cuts them off. */
td:first-child { overflow-wrap: anywhere; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.pct { white-space: normal; }
td.pct span { white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tfoot td { font-weight: 600; }
.green { color: #116329; } .amber { color: #8a5300; } .red { color: #b00020; }
.district { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 9pt; color: #444; }
.verification { border: 0.4mm solid #333; padding: 2mm 3mm; margin-top: 5mm; break-inside: avoid; }
.verification.bad { border-color: #b00020; }
footer { margin-top: 5mm; font-size: 9pt; color: #444; }
.hint { color: #555; font-size: 9pt; }
@media print { .hint { display: none; } }
`;

const num = (s: string) => `<td class="n">${s}</td>`;

function complianceCells(c: PrintCompliance | null): string {
  if (!c) return '<td class="n">—</td>'.repeat(4);
  // The level in words may go to a second line; the number and its unit stay together.
  return (
    num(minutes(c.plannedSeconds)) +
    num(minutes(c.deliveredSeconds)) +
    `<td class="n pct${c.level ? ` ${c.level}` : ''}"><span>${percent(c.percent)}</span>${c.level ? ` <span>(${LEVEL[c.level]})</span>` : ''}</td>` +
    num(minutes(c.shortfallSeconds))
  );
}

const causeCells = (c: PrintCompliance) =>
  [c.causes.offline, c.causes.boardError, c.causes.preempted, c.causes.unexplained]
    .map((s) => num(minutes(s)))
    .join('');

/** Minutes per local day as bars: inline SVG, no script, prints crisply at any size. */
export function dayChart(days: readonly { date: string; airtimeSeconds: number }[]): string {
  const W = 700;
  const H = 220;
  const left = 48;
  const bottom = 28;
  const top = 10;
  const plotW = W - left - 8;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...days.map((d) => d.airtimeSeconds / 60));
  // A round top for the axis: 1, 2 or 5 times a power of ten.
  const mag = 10 ** Math.floor(Math.log10(max));
  const axisMax = [1, 2, 5, 10].map((k) => k * mag).find((v) => v >= max)!;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(1, slot * 0.7);
  const every = Math.ceil(days.length / 12);
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (axisMax * i) / 4;
    const y = top + plotH - (v / axisMax) * plotH;
    parts.push(
      `<line x1="${left}" y1="${y.toFixed(1)}" x2="${W - 8}" y2="${y.toFixed(1)}" stroke="#ddd" stroke-width="1"/>`,
      `<text x="${left - 4}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11">${oneDecimal.format(v)}</text>`,
    );
  }
  days.forEach((d, i) => {
    const h = (d.airtimeSeconds / 60 / axisMax) * plotH;
    const x = left + i * slot + (slot - barW) / 2;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="#1f6feb"><title>${esc(dmy(d.date))}: ${minutes(d.airtimeSeconds)} phút</title></rect>`,
    );
    if (i % every === 0)
      parts.push(
        `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${H - bottom + 14}" text-anchor="middle" font-size="11">${esc(dmy(d.date).slice(0, 5))}</text>`,
      );
  });
  parts.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${W - 8}" y2="${top + plotH}" stroke="#333" stroke-width="1"/>`,
    `<text x="4" y="${top + 8}" font-size="11">phút</text>`,
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title">` +
    `<title id="chart-title">Số phút phát theo ngày</title>${parts.join('')}</svg>`
  );
}

export function renderCampaignReport(r: CampaignReport): string {
  const title = `Báo cáo chiến dịch: ${r.campaign.name}`;
  const range = `${dmy(r.from)} – ${dmy(r.to)}`;
  const c = r.compliance;
  const districtRows = r.districts
    .map(
      (d) =>
        `<tr><td>${esc(d.name)}</td>${num(count(d.devices.length))}${num(count(d.plays))}${num(minutes(d.airtimeSeconds))}${complianceCells(d.compliance)}</tr>`,
    )
    .join('');
  const causeRows = r.districts
    .filter((d) => d.compliance && d.compliance.shortfallSeconds > 0)
    .map(
      (d) =>
        `<tr><td>${esc(d.name)}</td>${num(minutes(d.compliance!.shortfallSeconds))}${causeCells(d.compliance!)}</tr>`,
    )
    .join('');
  const perDistrict = r.districts
    .map(
      (d) => `<section class="district" data-district="${esc(d.name)}"><h3>${esc(d.name)}</h3>
<table><thead><tr><th>Thiết bị</th><th class="n">Lượt phát</th><th class="n">Số phút</th><th class="n">Kế hoạch (phút)</th><th class="n">Thực tế (phút)</th><th class="n">Tỷ lệ</th><th class="n">Thiếu (phút)</th></tr></thead>
<tbody>${d.devices.map((v) => `<tr><td>${esc(v.name)}</td>${num(count(v.plays))}${num(minutes(v.airtimeSeconds))}${complianceCells(v.compliance)}</tr>`).join('')}</tbody>
<tfoot><tr><td>Cộng ${esc(d.name)}</td>${num(count(d.plays))}${num(minutes(d.airtimeSeconds))}${complianceCells(d.compliance)}</tr></tfoot></table></section>`,
    )
    .join('\n');
  const v = r.verification;
  const breaks =
    v.breaks.length === 0
      ? ''
      : `<table data-table="breaks"><thead><tr><th>Thiết bị</th><th class="n">Số thứ tự</th><th>Loại</th><th>Thời điểm phát</th></tr></thead><tbody>${v.breaks
          .slice(0, 50)
          .map(
            (b) =>
              `<tr><td>${esc(b.deviceName)}</td>${num(String(b.seq))}<td>${esc(BREAK_KIND[b.kind])}</td><td>${dmyHm(b.at)}</td></tr>`,
          )
          .join(
            '',
          )}</tbody></table>${v.breaks.length > 50 ? `<p>… và ${count(v.breaks.length - 50)} chỗ đứt khác.</p>` : ''}`;
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style></head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="sub">Bảo hiểm xã hội — báo cáo phát sóng trên bảng LED và màn hình tại các điểm giao dịch</p>
<p class="hint">Bấm Ctrl+P để in (khổ A4) hoặc lưu thành PDF.</p>
</header>
<main>
<h2>Tóm tắt</h2>
<dl class="summary">
<dt>Chiến dịch</dt><dd>${esc(r.campaign.name)} (${dmy(r.campaign.startsOn)} – ${dmy(r.campaign.endsOn)})</dd>
<dt>Khoảng thời gian báo cáo</dt><dd>${range}</dd>
${r.scope ? `<dt>Phạm vi</dt><dd>${esc(r.scope)}</dd>` : ''}
<dt>Tổng lượt phát</dt><dd data-total-plays>${count(r.total.plays)}</dd>
<dt>Tổng số phút phát</dt><dd data-total-minutes>${minutes(r.total.airtimeSeconds)} phút</dd>
<dt>Kế hoạch và thực tế</dt><dd>${c ? `${minutes(c.deliveredSeconds)} / ${minutes(c.plannedSeconds)} phút theo kế hoạch: ${percent(c.percent)}` : 'chưa có kế hoạch trong khoảng này'}</dd>
</dl>
<h2>Số phút phát theo ngày</h2>
<figure>${dayChart(r.days)}<figcaption>Số phút phát của chiến dịch mỗi ngày (giờ Việt Nam), ${range}.</figcaption></figure>
<h2>Theo huyện</h2>
${
  r.districts.length === 0
    ? '<p>Chưa có số liệu trong khoảng này.</p>'
    : `<table data-table="districts"><thead><tr><th>Huyện</th><th class="n">Thiết bị</th><th class="n">Lượt phát</th><th class="n">Số phút</th><th class="n">Kế hoạch (phút)</th><th class="n">Thực tế (phút)</th><th class="n">Tỷ lệ</th><th class="n">Thiếu (phút)</th></tr></thead>
<tbody>${districtRows}</tbody>
<tfoot><tr><td>Tổng cộng</td>${num(count(r.districts.reduce((n, d) => n + d.devices.length, 0)))}${num(count(r.total.plays))}${num(minutes(r.total.airtimeSeconds))}${complianceCells(c)}</tr></tfoot></table>`
}
<h2>Thời lượng thiếu theo nguyên nhân</h2>
${
  causeRows
    ? `<table data-table="causes"><thead><tr><th>Huyện</th><th class="n">Thiếu (phút)</th><th class="n">Mất kết nối, máy phát không chạy</th><th class="n">Bảng lỗi</th><th class="n">Bị thay bởi tin khẩn hoặc ưu tiên cao hơn</th><th class="n">Chưa rõ nguyên nhân</th></tr></thead><tbody>${causeRows}</tbody></table>`
    : '<p>Không thiếu thời lượng so với kế hoạch.</p>'
}
<h2>Chi tiết từng huyện</h2>
${perDistrict || '<p>Chưa có số liệu trong khoảng này.</p>'}
<section class="verification${v.ok ? '' : ' bad'}">
<h2>Xác minh chuỗi bằng chứng</h2>
<p data-verification>${esc(verificationLine(v))}</p>
${v.unchained > 0 ? `<p>${count(v.unchained)} bằng chứng từ máy phát phiên bản cũ không có chuỗi nên không xác minh được.</p>` : ''}
${breaks}
</section>
</main>
<footer>Lập lúc ${dmyHm(r.generatedAt)} (giờ Việt Nam) bởi hệ thống bangtin.</footer>
</body></html>
`;
}
