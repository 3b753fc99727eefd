// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { isBlankPage, isHttpUrl, mediaRefs, previewSrcdoc, qrCodesBody, qrProblems, toPageHtml } from './page-html';

const SHA = 'a'.repeat(64);

describe('toPageHtml', () => {
  it('keeps headings, emphasis and lists as the editor made them', () => {
    const html =
      '<h2>Cấp lại thẻ BHYT</h2><p>Mang <b>căn cước</b> và <i>sổ BHXH</i></p><ul><li>Một</li><li>Hai</li></ul>';
    expect(toPageHtml(html)).toBe(html);
  });

  it('drops scripts, styles, event handlers and javascript: links, keeping their text where the server does', () => {
    const out = toPageHtml(
      '<p onclick="alert(1)" style="color:red">Xin chào<script>alert(1)</script></p><style>p{}</style>' +
        '<a href="javascript:alert(1)">bấm</a><a href="https://vssid.vn/" target="_blank">VssID</a><font>chữ</font>',
    );
    expect(out).toBe('<p>Xin chào</p><a>bấm</a><a href="https://vssid.vn/">VssID</a>chữ');
  });

  it('turns library images into media: references and drops any other image', () => {
    const out = toPageHtml(
      `<p><img src="data:image/png;base64,AAAA" data-sha256="${SHA}" alt="Cờ" class="x"><img src="https://evil.example/x.png" onerror="x()"></p>`,
    );
    expect(out).toBe(`<p><img src="media:${SHA}" alt="Cờ"></p>`);
    expect(mediaRefs(out)).toEqual([SHA]);
  });

  it('normalises Vietnamese to NFC', () => {
    expect(toPageHtml('<p>Bảo hiểm</p>'.normalize('NFD'))).toBe('<p>Bảo hiểm</p>'.normalize('NFC'));
  });
});

describe('isBlankPage', () => {
  it('sees an empty editor as blank and an image-only page as not blank', () => {
    expect(isBlankPage('<p><br></p>')).toBe(true);
    expect(isBlankPage('<p>&nbsp; </p>')).toBe(true);
    expect(isBlankPage(`<p><img src="media:${SHA}"></p>`)).toBe(false);
    expect(isBlankPage('<h2>A</h2>')).toBe(false);
  });
});

describe('QR code rows', () => {
  it('accepts http(s) URLs with a caption and names each problem', () => {
    expect(isHttpUrl('https://vssid.baohiemxahoi.gov.vn')).toBe(true);
    expect(isHttpUrl('ftp://x.vn')).toBe(false);
    expect(isHttpUrl('vssid')).toBe(false);
    expect(
      qrProblems([
        { url: 'https://vssid.baohiemxahoi.gov.vn', label: 'Tải VssID' },
        { url: '', label: '' },
        { url: 'vssid.vn', label: '' },
        { url: '', label: 'Chỉ có chú thích' },
        { url: `https://x.vn/${'a'.repeat(1000)}`, label: 'x'.repeat(201) },
      ]),
    ).toEqual([
      { url: null, label: null },
      { url: null, label: null },
      { url: 'url-invalid', label: 'label-required' },
      { url: 'url-required', label: null },
      { url: 'url-too-long', label: 'label-too-long' },
    ]);
  });

  it('sends trimmed NFC rows without the empty ones', () => {
    expect(
      qrCodesBody([
        { url: ' https://a.vn ', label: ' Tải ứng dụng '.normalize('NFD') },
        { url: ' ', label: '' },
      ]),
    ).toEqual([{ url: 'https://a.vn', label: 'Tải ứng dụng'.normalize('NFC') }]);
  });
});

describe('previewSrcdoc', () => {
  it('uses the kiosk stylesheet and a no-script CSP, with images as data URLs and escaped QR captions', () => {
    const doc = previewSrcdoc(`<p><img src="media:${SHA}"></p>`, new Map([[SHA, 'data:image/png;base64,QUJD']]), [
      { svgDataUrl: 'data:image/svg+xml,x', label: 'A "B" <c>' },
    ]);
    expect(doc).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
    expect(doc).toContain('figure.qr');
    expect(doc).toContain('<img src="data:image/png;base64,QUJD">');
    expect(doc).toContain('<figcaption>A &#34;B&#34; &#60;c&#62;</figcaption>');
    expect(doc).not.toContain('media:');
  });
});
