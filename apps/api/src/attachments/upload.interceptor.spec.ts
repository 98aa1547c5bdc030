import { readFileSync } from 'node:fs';
import { MulterError } from 'multer';
import type { DomainError } from '../common/errors';
import { MULTER_CODES, multerRefusal } from './upload.interceptor';

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
