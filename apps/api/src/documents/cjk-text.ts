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

/**
 * The fonts a document is set in, in the order a character looks for its glyph; loaded once per process. Noto Sans
 * SC first; Noto Sans JP (the same design, `@expo-google-fonts/noto-sans-jp`, OFL-1.1) for the rare characters of
 * names the SC subset lacks, as 𠮷 (U+20BB7, CJK Extension B; trial 84: 𠮷田龑 printed as ☒田龑 on the forms).
 */
export function cjkFonts(): FontFile[] {
  if (cache) return cache;
  const load = (pkg: string, file: string, name: string): FontFile => {
    const data = readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), '400Regular', file));
    const font = fontkit.create(data) as fontkit.Font;
    return { name, data, has: (cp: number) => font.hasGlyphForCodePoint(cp) };
  };
  cache = [
    load('@expo-google-fonts/noto-sans-sc', 'NotoSansSC_400Regular.ttf', 'NotoSansSC-Regular'),
    load('@expo-google-fonts/noto-sans-jp', 'NotoSansJP_400Regular.ttf', 'NotoSansJP-Regular'),
  ];
  return cache;
}

/**
 * Splits text into runs, each character in the first font that has it (SC before JP: a Chinese document's glyphs are
 * SC's wherever SC has them); a space, or a character no font covers, goes with the run before it.
 */
export function fontRuns(text: string, fonts: FontFile[]): Array<{ font: FontFile; text: string }> {
  const runs: Array<{ font: FontFile; text: string }> = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const last = runs.at(-1);
    const font = /\s/.test(ch) ? last?.font : (fonts.find((f) => f.has(cp)) ?? last?.font);
    if (last && (font === undefined || font === last.font)) {
      last.text += ch;
      continue;
    }
    runs.push({ font: font ?? fonts[0]!, text: ch });
  }
  return runs;
}
