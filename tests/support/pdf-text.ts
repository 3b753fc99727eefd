import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';

/**
 * The text of a PDF as a reader gets it, one string per page: what Mozilla's PDF.js (Firefox's viewer)
 * extracts through each font's ToUnicode map, so a glyph that prints but maps to no character, or a
 * heading that fell off the page, is missing here too. Lines end with '\n'; runs of spaces become one;
 * the text is NFC, so 'ế' written as 'ê' + U+0301 compares equal to the literal in a test.
 */
export async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  // PDF.js takes the bytes over (it transfers the buffer), so give it a copy the caller does not hold.
  const doc = await getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const { items } = await page.getTextContent();
      const text = items
        .filter((i): i is TextItem => 'str' in i)
        .map((i) => i.str + (i.hasEOL ? '\n' : ''))
        .join('');
      pages.push(
        text
          .normalize('NFC')
          .replace(/[^\S\n]+/g, ' ')
          .replace(/ ?\n ?/g, '\n'),
      );
      page.cleanup();
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}
