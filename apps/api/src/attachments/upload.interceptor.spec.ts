import { readFileSync } from 'node:fs';
import { MulterError } from 'multer';
import type { DomainError } from '../common/errors';
import { malformedMultipart, MULTER_CODES, multerRefusal, repeatedParts } from './upload.interceptor';

/** The codes the installed multer raises: the keys of its error messages table. */
function multerCodes(): string[] {
  const source = readFileSync(require.resolve('multer/lib/multer-error.js'), 'utf8');
  const table = /var errorMessages = \{([\s\S]*?)\}/.exec(source)?.[1] ?? '';
  return [...table.matchAll(/^\s*([A-Z_]+):/gm)].map((m) => m[1]!);
}

describe('multerRefusal: every multer failure in our field, rule and words', () => {
  it('the map covers every code the installed multer raises', () => {
    expect(multerCodes().length).toBeGreaterThanOrEqual(12);
    expect([...MULTER_CODES].sort()).toEqual(multerCodes().sort());
  });

  it('no code surfaces as a rule or in multer’s English (new-user trial: LIMIT_FIELD_VALUE, LIMIT_FILE_COUNT as rules)', () => {
    for (const code of MULTER_CODES) {
      const err = new MulterError(code as never, 'kind');
      const refusal = multerRefusal(err, 1024);
      const [e] = refusal.extras.errors ?? [];
      expect([code, e!.rule]).not.toEqual([code, expect.stringMatching(/^[A-Z_]+$/)]);
      expect([code, e!.message.en === err.message || e!.message.en.includes(`(${err.message})`)]).toEqual([code, false]);
      expect([code, /[\u4e00-\u9fff]/.test(e!.message.zh)]).toEqual([code, true]);
      expect(refusal.code).toBe(code === 'LIMIT_FILE_SIZE' ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED');
    }
  });

  it('handed inputs: a long kind is kind rule max; a second file is file rule max-files; a file under another name that part', () => {
    const errorOf = (r: DomainError) => r.extras.errors?.[0];
    expect(errorOf(multerRefusal(new MulterError('LIMIT_FIELD_VALUE', 'kind'), 10))).toEqual({
      field: 'kind',
      rule: 'max',
      message: { zh: '最多1024个字节', en: 'At most 1024 bytes' },
    });
    expect(errorOf(multerRefusal(new MulterError('LIMIT_FILE_COUNT'), 10))).toEqual({
      field: 'file',
      rule: 'max-files',
      message: { zh: '只能上传一个文件', en: 'Only one file may be uploaded' },
    });
    expect(errorOf(multerRefusal(new MulterError('LIMIT_UNEXPECTED_FILE', 'upload'), 10))).toMatchObject({
      field: 'upload',
      rule: 'unexpected-file',
    });
    expect(errorOf(multerRefusal(new MulterError('LIMIT_FILE_SIZE', 'file'), 10))).toMatchObject({ field: 'file', rule: 'max-bytes' });
  });
});

describe('repeatedParts and malformedMultipart: the upload’s own faults in our words', () => {
  it('handed input: kind or stepKey given twice is that field, rule single-value (like a repeated query parameter)', () => {
    expect(repeatedParts({ kind: ['other', 'other'], stepKey: 'A03' })).toEqual([
      { field: 'kind', rule: 'single-value', message: { zh: '此字段只能给出一次', en: 'This field may be given only once' } },
    ]);
    expect(repeatedParts({ kind: 'other' })).toEqual([]);
  });

  it('handed inputs: a body cut off after the file part’s head is file multipart; busboy’s English never reaches the client', () => {
    const head = Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF');
    const cut = malformedMultipart(new Error('Unexpected end of form'), head);
    expect([cut.field, cut.rule]).toEqual(['file', 'multipart']);
    expect([malformedMultipart(new Error('Unexpected end of form'), Buffer.alloc(0)).field]).toEqual(['(body)']);
    const header = malformedMultipart(new Error('Malformed part header'), Buffer.alloc(0));
    expect([header.field, header.rule]).toEqual(['(body)', 'multipart']);
    for (const message of ['Unexpected end of form', 'Unexpected end of file', 'Malformed part header', 'Multipart: Boundary not found']) {
      const e = malformedMultipart(new Error(message), head);
      expect(e.message.en).not.toContain(message);
      expect(e.message.zh).not.toContain('须为 multipart/form-data');
    }
  });

  it('the multer refusals read as one sentence, under the API’s one top-level message', () => {
    const r = multerRefusal(new MulterError('LIMIT_FIELD_COUNT'), 10);
    expect(r.label).toEqual({ zh: '请求有1处错误', en: 'The request has 1 error(s)' });
    expect(r.extras.errors?.[0]?.message.en).toBe(
      'Too many fields: only one file part named "file" and the fields kind, stepKey are taken',
    );
    expect(multerRefusal(new MulterError('LIMIT_FIELD_NESTING' as never, 'kind[0]'), 10).extras.errors?.[0]).toEqual(
      expect.objectContaining({ field: 'kind[0]', rule: 'unknown-field' }),
    );
  });
});
