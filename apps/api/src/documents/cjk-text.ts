import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';

/**
 * Chinese text in server-side PDFs. The CJK font is Noto Sans SC from the npm package
 * `@fontsource/noto-sans-sc`, which ships the font as about 100 WOFF2 files, each covering one
 * unicode range (the way browsers load it). A run of text is split into pieces that one file covers,
 * and PDFKit embeds the subset of each file that the document uses (a few kB per file).
 */
export interface FontFile {
  /** PDFKit's name for the font (the file name). */
  name: string;
  path: string;
  has(codePoint: number): boolean;
}

let cache: FontFile[] | null = null;

/** The regular (400) weight files, loaded once per process (about 70 ms). */
export function cjkFonts(weight: 400 | 700 = 400): FontFile[] {
  if (cache && weight === 400) return cache;
  const dir = join(dirname(require.resolve('@fontsource/noto-sans-sc/package.json')), 'files');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(`-${weight}-normal.woff2`))
    .sort();
  const fonts = files.map((f) => {
    const path = join(dir, f);
    const font = fontkit.create(readFileSync(path)) as fontkit.Font;
    return { name: f, path, has: (cp: number) => font.hasGlyphForCodePoint(cp) };
  });
  if (weight === 400) cache = fonts;
  return fonts;
}

/** Splits text into runs that one font file covers; a character no file covers goes with the run before it. */
export function fontRuns(text: string, fonts: FontFile[]): Array<{ font: FontFile; text: string }> {
  const runs: Array<{ font: FontFile; text: string }> = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const last = runs.at(-1);
    if (last && (last.font.has(cp) || /\s/.test(ch))) {
      last.text += ch;
      continue;
    }
    const font = fonts.find((f) => f.has(cp)) ?? last?.font ?? fonts[0]!;
    runs.push({ font, text: ch });
  }
  return runs;
}
