/**
 * The one CSV writer of the system (every CSV it produces goes through `toCsv`): RFC 4180, CRLF, a UTF-8 BOM so
 * spreadsheet programs read the Chinese right, and every text cell neutralized against formula injection.
 */

/** A cell: text, a number (written as the number it is), or empty. */
export type CsvCell = string | number | null;

/**
 * Characters that make Excel, WPS or LibreOffice read a cell as a formula (or a DDE command) when they begin it:
 * `=`, `+`, `-`, `@`, tab and carriage return (OWASP, "CSV Injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell that would start a formula, with a single quote put before it so the spreadsheet shows it as text
 * (`=HYPERLINK(...)` becomes `'=HYPERLINK(...)`); any other text as it is. Numbers are never passed here: a
 * genuinely numeric cell (a slack of -3.5) stays a number.
 */
export const neutralizeFormula = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/** One cell as CSV text: numbers as they are, text neutralized, then quoted when it holds `"`, `,`, CR or LF. */
export function csvCell(v: CsvCell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = neutralizeFormula(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as CSV: header row first, CRLF after every row, a UTF-8 BOM before. */
export function toCsv(table: { header: string[]; rows: CsvCell[][] }): string {
  return '\ufeff' + [table.header, ...table.rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
