import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';

/**
 * Chinese text in server-side PDFs. The font is Noto Sans SC Regular as a TrueType file (the npm package
 * `@expo-google-fonts/noto-sans-sc`, Google Fonts' static instances; OFL-1.1), which covers Chinese and Latin;
 * PDFKit embeds the subset of it the document uses. Not the WOFF2 web files: PDFKit's subsets of those
 * (`@fontsource/noto-sans-sc`) came out with empty glyph outlines, and Chromium's PDF viewer (PDFium) showed no
 * text at all (trial: the approval document and the application form were lines and black triangles).
 */
export interface FontFile {
  /** PDFKit's name for the font. */
  name: string;
  /** The font file's bytes (read once per process), for PDFKit's registerFont. */
  data: Buffer;
  has(codePoint: number): boolean;
}

let cache: FontFile[] | null = null;

/** The fonts a document is set in, in the order a character looks for its glyph; loaded once per process. */
export function cjkFonts(): FontFile[] {
  if (cache) return cache;
  const path = join(dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json')), '400Regular', 'NotoSansSC_400Regular.ttf');
  const data = readFileSync(path);
  const font = fontkit.create(data) as fontkit.Font;
  cache = [{ name: 'NotoSansSC-Regular', data, has: (cp: number) => font.hasGlyphForCodePoint(cp) }];
  return cache;
}

/** Splits text into runs that one font covers; a character no font covers goes with the run before it. */
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
