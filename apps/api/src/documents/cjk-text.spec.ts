import { cjkFonts, fontRuns } from './cjk-text';

describe('CJK text runs over the Noto Sans SC unicode-range files', () => {
  const fonts = cjkFonts();

  it('loads the regular weight files of @fontsource/noto-sans-sc', () => {
    expect(fonts.length).toBeGreaterThan(50);
  });

  it('puts every character of a Chinese and Latin string in a file that has its glyph, keeping the text whole', () => {
    const text = '因公出国（境）任务批件 外任批〔2027〕0001号 Greater Houston Partnership 厅局级 饕餮';
    const runs = fontRuns(text, fonts);
    expect(runs.map((r) => r.text).join('')).toBe(text);
    for (const r of runs) for (const ch of r.text) if (!/\s/.test(ch)) expect([ch, r.font.has(ch.codePointAt(0)!)]).toEqual([ch, true]);
    // Runs are maximal: two neighbours never share a file.
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.font.name).not.toBe(runs[i - 1]!.font.name);
  });
});
