import { attachmentHeldBy, attachmentHeldOnCase, ATTACHMENT_NAME_MAX, isPortableFileName } from './attachments';

describe('isPortableFileName: a file name every system the office downloads to saves as it is (rule file-name)', () => {
  it.each([
    // New-user trial: each accepted as an attachment's file name.
    'CON',
    'NUL',
    'COM1',
    'LPT1.txt',
    // The same kind: any letter case, any extension, spaces before the dot, the superscript port digits.
    'con.pdf',
    'Nul.tar.gz',
    'aux .pdf',
    'PRN',
    'com9.pdf',
    'LPT¹.pdf',
    'com0',
    // Names Windows changes on saving: a trailing dot or space.
    '邀请函.pdf.',
    '邀请函.pdf ',
    'letter.',
    // Characters Windows refuses, path separators, control characters.
    'a<b.pdf',
    'a>b.pdf',
    'a:b.pdf',
    'a"b.pdf',
    'a|b.pdf',
    'a?b.pdf',
    'a*b.pdf',
    'dir/a.pdf',
    'dir\\a.pdf',
    '邀请函\r\n副本.pdf',
    '邀请函\u2028副本.pdf',
    // Blank, or blank before its extension.
    '',
    '\u200B\u200B',
    '\u200B\u200B.pdf',
    'x'.repeat(ATTACHMENT_NAME_MAX + 1),
  ])('refuses %j', (name) => {
    expect(isPortableFileName(name)).toBe(false);
  });

  it.each([
    '邀请函.pdf',
    'CONTRACT.pdf',
    'console.pdf',
    'com10.pdf',
    'lpt.pdf',
    'nul-report.pdf',
    '邀请函 (副本).pdf',
    'x'.repeat(ATTACHMENT_NAME_MAX),
  ])('takes %j', (name) => {
    expect(isPortableFileName(name)).toBe(true);
  });
});

describe('attachmentHeldBy: what keeps a file on the case, for the engine and the case page (forty-seventh trial)', () => {
  const letter = { kind: 'invitation-letter' as const, stepKey: 'A03:US' };
  const a03 = { status: 'done', requiresAttachments: ['invitation-letter', 'invitation-translation'] };
  it('a document its finished step required; a file a 容缺 document was supplied as; nothing else', () => {
    expect(attachmentHeldBy(letter, a03, undefined)).toEqual({
      rule: 'step-done',
      message: {
        zh: '步骤 A03:US 已凭此邀请函办结，不能删除',
        en: 'Step A03:US was completed on this invitation letter: it cannot be removed',
      },
    });
    expect(attachmentHeldBy(letter, { ...a03, status: 'awaiting' }, undefined)).toBeUndefined();
    expect(attachmentHeldBy({ ...letter, kind: 'other' }, a03, undefined)).toBeUndefined();
    expect(attachmentHeldBy({ ...letter, stepKey: null }, a03, undefined)).toBeUndefined();
    expect(attachmentHeldBy({ kind: 'invitation-translation', stepKey: null }, undefined, '邀请函译文')?.rule).toBe('supplied-document');
  });
});

describe('attachmentHeldOnCase: the same rule over a progress answer (the API list, trial 50)', () => {
  const steps = [
    { key: 'A03:US', status: 'done', requiresAttachments: ['invitation-letter'] },
    { key: 'A05', status: 'awaiting', requiresAttachments: ['itinerary'] },
  ];
  it("finds the file's step and the 容缺 document supplied as it", () => {
    expect(attachmentHeldOnCase({ id: 'f1', kind: 'invitation-letter', stepKey: 'A03:US' }, { steps })?.rule).toBe('step-done');
    expect(attachmentHeldOnCase({ id: 'f2', kind: 'itinerary', stepKey: 'A05' }, { steps })).toBeUndefined();
    expect(attachmentHeldOnCase({ id: 'f3', kind: 'invitation-letter', stepKey: 'A03:JP' }, { steps })).toBeUndefined();
    const deficiencies = [
      { name: '邀请函译文', status: 'supplied', fileRef: 'f4' },
      { name: '行程', status: 'open', fileRef: 'f5' },
    ];
    expect(attachmentHeldOnCase({ id: 'f4', kind: 'other', stepKey: null }, { steps, deficiencies })?.message.zh).toBe(
      '缺件 邀请函译文 已凭此附件补交，不能删除',
    );
    expect(attachmentHeldOnCase({ id: 'f5', kind: 'other', stepKey: null }, { steps, deficiencies })).toBeUndefined();
  });
});
