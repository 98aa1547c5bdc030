import { inflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';
import { cjkFonts, fontRuns } from './cjk-text';
import { toPdf } from './documents.service';

/** The font programs a PDF embeds (`/FontFile2` streams, Flate-compressed as PDFKit writes them), parsed. */
function embeddedFonts(pdf: Buffer): fontkit.Font[] {
  const text = pdf.toString('latin1');
  return [...text.matchAll(/\/FontFile2 (\d+) 0 R/g)].map(([, n]) => {
    const start = text.indexOf('stream\n', text.indexOf(`\n${n} 0 obj`)) + 'stream\n'.length;
    return fontkit.create(inflateSync(pdf.subarray(start, text.indexOf('\nendstream', start)))) as fontkit.Font;
  });
}

describe('CJK text in the PDFs: Noto Sans SC, embedded with its outlines', () => {
  const fonts = cjkFonts();

  it('puts every character of a Chinese and Latin string in a font that has its glyph, keeping the text whole', () => {
    const text = '因公出国（境）任务批件 外任批〔2027〕0001号 Greater Houston Partnership 厅局级 饕餮';
    const runs = fontRuns(text, fonts);
    expect(runs.map((r) => r.text).join('')).toBe(text);
    for (const r of runs) for (const ch of r.text) if (!/\s/.test(ch)) expect([ch, r.font.has(ch.codePointAt(0)!)]).toEqual([ch, true]);
    // Runs are maximal: two neighbours never share a font.
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.font.name).not.toBe(runs[i - 1]!.font.name);
  });

  it("sets a name's rare character in the font that has it (trial 84: 𠮷田龑 printed as ☒田龑), SC first", () => {
    const runs = fontRuns('𠮷田龑', fonts);
    expect(runs.map((r) => [r.font.name, r.text])).toEqual([
      ['NotoSansJP-Regular', '𠮷'],
      ['NotoSansSC-Regular', '田龑'],
    ]);
    for (const r of runs) for (const ch of r.text) expect([ch, r.font.has(ch.codePointAt(0)!)]).toEqual([ch, true]);
  });

  it('embeds every glyph it draws with its outline (trial: the WOFF2 subsets were empty, PDFium showed no text)', async () => {
    const text = '因公出国（境）任务批件 外任批〔2027〕0001号 张三 赴美国 Houston';
    const pdf = await toPdf((w) => w.text(text), 'test');
    const embedded = embeddedFonts(pdf);
    expect(embedded.length).toBeGreaterThan(0);
    // Every glyph of a subset but .notdef (0) and the space has an outline to draw.
    const drawn = new Set([...text].filter((ch) => !/\s/.test(ch))).size;
    const outlined = embedded.flatMap((f) =>
      Array.from({ length: f.numGlyphs }, (_, i) => f.getGlyph(i)).filter((g) => g.id !== 0 && g.path.commands.length > 0),
    );
    expect(outlined.length).toBeGreaterThanOrEqual(drawn);
  });
});
