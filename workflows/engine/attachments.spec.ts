import {
  ATTACHMENT_UPLOADS_PER_CASE_MAX,
  ATTACHMENTS_PER_CASE_MAX,
  DEFAULT_DEFINITION,
  DEFINITION_2027_9,
  chineseCalendar,
  makeDestination,
  makeFacts,
  type Destination,
  toIso,
  type ProcessDefinition,
} from '@df/domain';
import { placeholderSha256, type Actor, type AttachmentMetadata, type DelegationInput } from '@df/contracts';
import { CaseEngine } from './case-engine';
import { Rejection } from './rejection';

// Monday 2026-03-02 09:00 Shanghai.
const MONDAY = Date.parse('2026-03-02T01:00:00Z');
const UNIT = '市商务局';
const actor = (role: Actor['role'], unit = UNIT): Actor => ({ id: `${role}.${unit}`, role, unit });

let ids = 0;
/** A case on `definition` (the built-in one: A03 and A05 declare their documents since 2027.10), to the US or `destinations`. */
function newEngine(attachments?: boolean, definition: ProcessDefinition = DEFAULT_DEFINITION, destinations?: Destination[]): CaseEngine {
  const input: DelegationInput = {
    caseId: 'case-1',
    facts: makeFacts({ unit: UNIT, departureDate: '2026-05-11', returnDate: '2026-05-15', ...(destinations ? { destinations } : {}) }),
    definition,
    submittedBy: actor('organizer'),
    submittedAt: toIso(MONDAY),
  };
  const engine = new CaseEngine(input, {
    newId: () => `id-${++ids}`,
    workflowId: 'delegation-case-1',
    calendar: chineseCalendar(),
    ...(attachments === undefined ? {} : { attachments }),
  });
  engine.start(MONDAY);
  for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, MONDAY);
  return engine;
}

const meta = (over: Partial<AttachmentMetadata> = {}): AttachmentMetadata => {
  const id = over.id ?? `att-${++ids}`;
  return {
    id,
    kind: 'invitation-letter',
    stepKey: 'A03:US',
    fileName: '邀请函.pdf',
    mimeType: 'application/pdf',
    size: 100,
    sha256: placeholderSha256(id), // each file its own content
    storageKey: 'cases/case-1/x',
    ...over,
  };
};

const refusal = (fn: () => unknown): Rejection => {
  try {
    fn();
  } catch (err) {
    if (err instanceof Rejection) return err;
    throw err;
  }
  throw new Error('not refused');
};

let req = 0;
const complete = (engine: CaseEngine, stepKey: string, now = MONDAY + 86_400_000) =>
  engine.apply({ type: 'complete', request: { requestId: `r-${++req}`, actor: actor('organizer'), stepKey } }, now);
const attach = (engine: CaseEngine, a: AttachmentMetadata, by = actor('organizer')) =>
  engine.apply({ type: 'attach', request: { requestId: `r-${++req}`, actor: by, attachment: a } }, MONDAY + 3600_000);

function toA03(engine: CaseEngine): void {
  complete(engine, 'A02');
  expect(engine.progress(MONDAY + 86_400_000).steps.find((s) => s.key === 'A03:US')?.status).toBe('awaiting');
}

describe('required attachments (behaviour.requiresAttachments)', () => {
  it("one content is one document (forty-seventh trial): the letter's bytes as its translation, or the old document's bytes again after a change, do not serve", () => {
    const engine = newEngine();
    toA03(engine);
    const at = MONDAY + 86_400_000;
    const missing = () => engine.progress(at).steps.find((s) => s.key === 'A03:US')?.missingAttachments;
    const validateComplete = () =>
      engine.validate({ type: 'complete', request: { requestId: `v-${++req}`, actor: actor('organizer'), stepKey: 'A03:US' } }, at);
    const letter = meta({ fileName: 'letter.pdf' });
    attach(engine, letter);
    // Sent now, the letter's bytes as its translation, or as the letter again, are refused at the file (trial 53: 201,
    // and A03 still missed the translation); a copy of another kind no step asks for with the letter is taken.
    const validateAttach = (a: AttachmentMetadata) =>
      engine.validate({ type: 'attach', request: { requestId: `v-${++req}`, actor: actor('organizer'), attachment: a } }, at);
    const asTranslation = meta({ kind: 'invitation-translation', fileName: 'translation.pdf', sha256: letter.sha256 });
    expect(refusal(() => validateAttach(asTranslation)).errors).toEqual([
      expect.objectContaining({ field: 'attachment.file', rule: 'one-content' }),
    ]);
    expect(refusal(() => validateAttach(meta({ fileName: 'letter-2.pdf', sha256: letter.sha256 }))).errors).toEqual([
      expect.objectContaining({ field: 'attachment.file', rule: 'duplicate-file' }),
    ]);
    validateAttach(meta({ kind: 'other', sha256: letter.sha256 }));
    // Nor is one document another step's, or the whole case's (trial 76: one PDF was France's invitation letter,
    // Germany's and the itinerary): refused at the file, naming where it is; an `other` copy is taken.
    const elsewhere = (over: Partial<AttachmentMetadata>) =>
      refusal(() => validateAttach(meta({ sha256: letter.sha256, ...over }))).errors?.map((e) => `${e.field} ${e.rule}`);
    expect(elsewhere({ stepKey: 'A05', kind: 'itinerary' })).toEqual(['attachment.file one-content']);
    expect(elsewhere({ stepKey: 'A05', kind: 'invitation-letter' })).toEqual(['attachment.file duplicate-file']);
    expect(elsewhere({ stepKey: null, kind: 'invitation-letter' })).toEqual(['attachment.file duplicate-file']);
    expect(refusal(() => validateAttach(meta({ stepKey: 'A05', kind: 'itinerary', sha256: letter.sha256 }))).errors?.[0]?.message).toEqual({
      zh: `此文件已作为步骤 A03:US 的邀请函上传：“letter.pdf”（${letter.id}），一份文件只作一份材料，不能再作步骤 A05 的日程安排`,
      en: `is on the case already as step A03:US's invitation letter “letter.pdf” (${letter.id}): one file is one document, not also step A05's itinerary`,
    });
    validateAttach(meta({ stepKey: 'A05', kind: 'other', sha256: letter.sha256 }));
    // Recorded before the rule, an upload is applied as it was.
    attach(engine, asTranslation);
    expect(missing()).toEqual(['invitation-translation']);
    expect(refusal(validateComplete).label.en).toContain('(invitation-translation)');
    const translation = meta({ kind: 'invitation-translation', fileName: 'translation-2.pdf' });
    attach(engine, translation);
    expect(missing()).toEqual([]);
    validateComplete();
    expect(complete(engine, 'A03:US').accepted).toBe(true);
    // Another inviter: the first letter's and translation's bytes uploaded again are the old invitation's documents.
    engine.apply(
      {
        type: 'amend',
        request: {
          requestId: `a-${++req}`,
          actor: actor('organizer'),
          changes: { destinations: [makeDestination({ inviter: { name: 'Bob Smith', organization: 'Dallas Regional Chamber' } })] },
          comment: '邀请方变更',
        },
      },
      at,
    );
    for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, at);
    // Uploaded to the step now, refused at the file (trial 50: 201, and still missing); recorded before the rule, applied.
    const again = meta({ fileName: 'letter-again.pdf', sha256: letter.sha256 });
    const refused = refusal(() =>
      engine.validate({ type: 'attach', request: { requestId: `v-${++req}`, actor: actor('organizer'), attachment: again } }, at),
    );
    expect(refused.errors).toEqual([expect.objectContaining({ field: 'attachment.file', rule: 'new-file' })]);
    expect(refused.errors?.[0]?.message.zh).toContain('不是新的邀请函');
    // Another kind of file with those bytes, or a new letter, is taken.
    engine.validate(
      {
        type: 'attach',
        request: { requestId: `v-${++req}`, actor: actor('organizer'), attachment: meta({ kind: 'other', sha256: letter.sha256 }) },
      },
      at,
    );
    engine.validate({ type: 'attach', request: { requestId: `v-${++req}`, actor: actor('organizer'), attachment: meta() } }, at);
    // For the whole case too: A03 is the only step that would take it (one country).
    const caseWide = refusal(() =>
      engine.validate(
        { type: 'attach', request: { requestId: `v-${++req}`, actor: actor('organizer'), attachment: { ...again, stepKey: null } } },
        at,
      ),
    );
    expect(caseWide.errors).toEqual([expect.objectContaining({ field: 'attachment.file', rule: 'new-file' })]);
    attach(engine, again);
    attach(engine, meta({ kind: 'invitation-translation', fileName: 'translation-again.pdf', sha256: translation.sha256 }));
    expect(missing()).toEqual(['invitation-letter', 'invitation-translation']);
    attach(engine, meta({ fileName: 'new-letter.pdf' }));
    attach(engine, meta({ kind: 'invitation-translation', fileName: 'new-translation.pdf' }));
    expect(missing()).toEqual([]);
  });

  it('refuses A03 without its documents, naming each missing kind; completes once both are attached', () => {
    const engine = newEngine();
    toA03(engine);
    const r = refusal(() => complete(engine, 'A03:US'));
    expect(r.code).toBe('MISSING_ATTACHMENTS');
    expect(r.label.en).toContain('invitation-letter');
    expect(r.label.en).toContain('invitation-translation');
    expect(r.label.zh).toContain('邀请函译文');
    attach(engine, meta());
    const half = refusal(() => complete(engine, 'A03:US'));
    expect(half.label.en).not.toMatch(/\(invitation-letter\)/);
    // A case-level document of the missing kind counts for the step too.
    attach(engine, meta({ kind: 'invitation-translation', stepKey: null }));
    expect(engine.progress(MONDAY + 86_400_000).steps.find((s) => s.key === 'A03:US')).toMatchObject({
      requiresAttachments: ['invitation-letter', 'invitation-translation'],
      missingAttachments: [],
    });
    expect(complete(engine, 'A03:US').accepted).toBe(true);
    const events = engine.takeEvents().filter((e) => e.type.startsWith('attachment.'));
    expect(events.map((e) => [e.type, e.actorId])).toEqual([
      ['attachment.added', 'organizer.市商务局'],
      ['attachment.added', 'organizer.市商务局'],
    ]);
  });

  it('2027.10, the built-in definition: A03 takes the letter and its translation, A05 the itinerary, each refused without; 2027.9 took none (web trial: the upload step was done with nothing uploaded)', () => {
    const engine = newEngine();
    toA03(engine);
    const needs = (key: string) => engine.progress(MONDAY + 86_400_000).steps.find((s) => s.key === key);
    expect(needs('A03:US')).toMatchObject({
      requiresAttachments: ['invitation-letter', 'invitation-translation'],
      missingAttachments: ['invitation-letter', 'invitation-translation'],
    });
    expect(needs('A05')).toMatchObject({ requiresAttachments: ['itinerary'], missingAttachments: ['itinerary'] });
    expect(refusal(() => complete(engine, 'A03:US')).code).toBe('MISSING_ATTACHMENTS');
    const a05 = refusal(() => complete(engine, 'A05'));
    expect([a05.code, a05.label.zh]).toEqual(['MISSING_ATTACHMENTS', expect.stringContaining('日程安排')]);
    // The itinerary of the whole trip serves A05; the country's letter and translation serve its A03.
    attach(engine, meta({ kind: 'itinerary', stepKey: null, fileName: '日程安排.pdf' }));
    expect(complete(engine, 'A05').accepted).toBe(true);
    attach(engine, meta());
    attach(engine, meta({ kind: 'invitation-translation' }));
    expect(complete(engine, 'A03:US').accepted).toBe(true);
    expect(needs('A04:US')?.status).toBe('awaiting');

    const older = newEngine(undefined, DEFINITION_2027_9);
    toA03(older);
    expect(older.progress(MONDAY + 86_400_000).steps.find((s) => s.key === 'A03:US')?.requiresAttachments).toBeUndefined();
    expect(complete(older, 'A03:US').accepted).toBe(true);
    expect(complete(older, 'A05').accepted).toBe(true);
  });

  it("a two-country trip's A03 takes each country's own letter and translation: a file for the whole case serves a step of one instance only (the Update validator's)", () => {
    const engine = newEngine(undefined, DEFAULT_DEFINITION, [
      makeDestination({ country: 'US', arrive: '2026-05-11', leave: '2026-05-13' }),
      makeDestination({ country: 'CA', city: 'Ottawa', arrive: '2026-05-13', leave: '2026-05-15' }),
    ]);
    toA03(engine);
    const missing = (key: string) => engine.progress(MONDAY + 86_400_000).steps.find((s) => s.key === key)?.missingAttachments;
    const validateComplete = (stepKey: string) =>
      engine.validate({ type: 'complete', request: { requestId: `v-${++req}`, actor: actor('organizer'), stepKey } }, MONDAY + 86_400_000);
    // The US letter and its translation uploaded for the whole case: they do not stand for Canada's inviter, nor the US's.
    attach(engine, meta({ stepKey: null }));
    attach(engine, meta({ kind: 'invitation-translation', stepKey: null }));
    expect([missing('A03:US'), missing('A03:CA')]).toEqual([
      ['invitation-letter', 'invitation-translation'],
      ['invitation-letter', 'invitation-translation'],
    ]);
    expect(refusal(() => validateComplete('A03:CA')).code).toBe('MISSING_ATTACHMENTS');
    attach(engine, meta({ stepKey: 'A03:US' }));
    attach(engine, meta({ kind: 'invitation-translation', stepKey: 'A03:US' }));
    expect([missing('A03:US'), missing('A03:CA')]).toEqual([[], ['invitation-letter', 'invitation-translation']]);
    validateComplete('A03:US');
    expect(refusal(() => validateComplete('A03:CA')).code).toBe('MISSING_ATTACHMENTS');
    // The itinerary, once per trip (A05), is served by a file for the whole case.
    attach(engine, meta({ kind: 'itinerary', stepKey: null }));
    expect(missing('A05')).toEqual([]);
    // A history recorded before the rule completes as it ran: the handler counts the case's files.
    expect(complete(engine, 'A03:CA').accepted).toBe(true);
  });

  it("a country the amendment brings to the trip takes files uploaded after it (trial 45: the US letter served Canada's A03; a country removed and added back reused its old letter)", () => {
    const engine = newEngine();
    toA03(engine);
    const at = MONDAY + 86_400_000;
    const missing = (key: string) => engine.progress(at).steps.find((s) => s.key === key)?.missingAttachments;
    const validateComplete = (stepKey: string) =>
      engine.validate({ type: 'complete', request: { requestId: `v-${++req}`, actor: actor('organizer'), stepKey } }, at);
    const amendTo = (d: Destination) => {
      engine.apply(
        {
          type: 'amend',
          request: { requestId: `a-${++req}`, actor: actor('organizer'), changes: { destinations: [d] }, comment: '改变出访国家' },
        },
        at,
      );
      // The annual plan is checked again for the new trip (A01); then the country's A03 opens.
      for (const work of engine.takeSystemWork()) engine.applySystemResult(work, {}, at);
      return engine
        .progress(at)
        .steps.filter((s) => s.code === 'A03')
        .map((s) => [s.key, s.status]);
    };
    attach(engine, meta({ stepKey: null, fileName: 'Houston.pdf' }));
    attach(engine, meta({ kind: 'invitation-translation', stepKey: 'A03:US' }));
    expect(complete(engine, 'A03:US').accepted).toBe(true);
    expect(
      amendTo(makeDestination({ country: 'CA', city: 'Toronto', inviter: { name: 'Ann Lee', organization: 'Toronto Board of Trade' } })),
    ).toEqual([
      ['A03:CA', 'awaiting'],
      ['A03:US', 'withdrawn'],
    ]);
    expect(missing('A03:CA')).toEqual(['invitation-letter', 'invitation-translation']);
    expect(refusal(() => validateComplete('A03:CA')).code).toBe('MISSING_ATTACHMENTS');
    // The US instance withdrawn: an upload to it, or its completion, says why (trial 46: "本案没有步骤 A03:US").
    const toWithdrawn = refusal(() => attach(engine, meta({ kind: 'invitation-translation', stepKey: 'A03:US' })));
    expect([toWithdrawn.code, toWithdrawn.errors]).toEqual([
      'INVALID_REQUEST',
      [
        {
          field: 'attachment.stepKey',
          rule: 'live-step',
          message: {
            zh: '步骤 A03:US 已撤销：美国（US）已不在行程中',
            en: 'step A03:US was withdrawn: United States (US) is no longer on the trip',
          },
        },
      ],
    ]);
    expect(refusal(() => validateComplete('A03:US')).message).toBe(
      'STEP_NOT_AWAITING: Step A03:US was withdrawn: United States (US) is no longer on the trip',
    );
    attach(engine, meta({ stepKey: null, fileName: 'Toronto.pdf' }));
    attach(engine, meta({ kind: 'invitation-translation', stepKey: 'A03:CA' }));
    expect(missing('A03:CA')).toEqual([]);
    validateComplete('A03:CA');
    // Back to the US, another city and inviter: the US files of before are not this invitation's.
    amendTo(makeDestination({ city: 'Dallas', inviter: { name: 'Bob Smith', organization: 'Dallas Regional Chamber' } }));
    expect(missing('A03:US')).toEqual(['invitation-letter', 'invitation-translation']);
    expect(refusal(() => validateComplete('A03:US')).code).toBe('MISSING_ATTACHMENTS');
  });

  it('a step with documents sent back is done again with new ones: the file the office turned down does not serve it (trial 46; the validator only)', () => {
    const engine = newEngine();
    toA03(engine);
    const at = MONDAY + 86_400_000;
    attach(engine, meta());
    attach(engine, meta({ kind: 'invitation-translation' }));
    complete(engine, 'A03:US');
    engine.apply(
      {
        type: 'complete',
        request: { requestId: `r-${++req}`, actor: actor('organizer'), stepKey: 'A04:US', data: { outcome: '邀请方为当地商会' } },
      },
      at,
    );
    const a03 = () => engine.progress(at).steps.find((s) => s.key === 'A03:US')!;
    const b04 = engine.progress(at).steps.find((s) => s.key === 'B04:US')!;
    expect(b04.status).toBe('awaiting');
    engine.apply(
      {
        type: 'decide',
        request: {
          requestId: `r-${++req}`,
          actor: actor('fao-reviewer', 'fao'),
          stepKey: 'B04:US',
          decision: 'return',
          returnTo: 'A03:US',
          comment: '邀请函未签字盖章，请重新上传',
        },
      },
      at,
    );
    expect(a03()).toMatchObject({ missingAttachments: ['invitation-letter', 'invitation-translation'] });
    const validateComplete = () =>
      engine.validate({ type: 'complete', request: { requestId: `v-${++req}`, actor: actor('organizer'), stepKey: 'A03:US' } }, at);
    expect(refusal(validateComplete).code).toBe('MISSING_ATTACHMENTS');
    attach(engine, meta());
    attach(engine, meta({ kind: 'invitation-translation' }));
    validateComplete();
  });

  it('a document of another step, or removed again, does not count; a finished step keeps the document it needed', () => {
    const engine = newEngine();
    toA03(engine);
    attach(engine, meta({ stepKey: 'A02' }));
    const letter = meta();
    attach(engine, letter);
    attach(engine, meta({ kind: 'invitation-translation' }));
    engine.apply(
      { type: 'detach', request: { requestId: `r-${++req}`, actor: actor('organizer'), attachmentId: letter.id } },
      MONDAY + 7200_000,
    );
    expect(refusal(() => complete(engine, 'A03:US')).code).toBe('MISSING_ATTACHMENTS');
    const again = meta();
    attach(engine, again);
    complete(engine, 'A03:US');
    const kept = refusal(() =>
      engine.apply(
        { type: 'detach', request: { requestId: `r-${++req}`, actor: actor('organizer'), attachmentId: again.id } },
        MONDAY + 9e7,
      ),
    );
    expect(kept.code).toBe('ACTION_NOT_ALLOWED');
  });

  it('the access table decides who attaches: not the manager, not another unit; unknown steps and kinds are refused', () => {
    const engine = newEngine();
    expect(refusal(() => attach(engine, meta(), actor('manager', 'fao'))).code).toBe('FORBIDDEN_ROLE');
    expect(refusal(() => attach(engine, meta(), actor('organizer', 'other-unit'))).code).toBe('WRONG_ROLE');
    const unknownStep = refusal(() => attach(engine, meta({ stepKey: 'Z99' })));
    expect([unknownStep.code, unknownStep.errors?.map((e) => [e.field, e.rule])]).toEqual([
      'INVALID_REQUEST',
      [['attachment.stepKey', 'known-step']],
    ]);
    expect(refusal(() => attach(engine, meta({ kind: 'selfie' as never }))).code).toBe('INVALID_REQUEST');
    expect(refusal(() => attach(engine, meta({ sha256: 'xyz' }))).code).toBe('INVALID_REQUEST');
    expect(attach(engine, meta(), actor('fao-clerk', 'fao')).accepted).toBe(true);
  });

  it('histories recorded before the rule (attachments: false) complete as they ran', () => {
    const engine = newEngine(false);
    toA03(engine);
    expect(complete(engine, 'A03:US').accepted).toBe(true);
  });
});

describe('thirteenth trial: what a case takes in attachments, and who removes the FAO’s', () => {
  const validateAttach = (engine: CaseEngine, a: AttachmentMetadata, by = actor('organizer')) =>
    engine.validate({ type: 'attach', request: { requestId: `v-${++req}`, actor: by, attachment: a } }, MONDAY + 3600_000);
  const detach = (engine: CaseEngine, attachmentId: string, by: Actor) => ({
    validate: () => engine.validate({ type: 'detach', request: { requestId: `d-${++req}`, actor: by, attachmentId } }, MONDAY + 3600_000),
    apply: () => engine.apply({ type: 'detach', request: { requestId: `d-${++req}`, actor: by, attachmentId } }, MONDAY + 3600_000),
  });

  it(`holds at most ${ATTACHMENTS_PER_CASE_MAX} at once and takes ${ATTACHMENT_UPLOADS_PER_CASE_MAX} uploads in all (removed ones count); the validator refuses, a recorded upload replays`, () => {
    const engine = newEngine();
    const added: string[] = [];
    for (let i = 0; i < ATTACHMENTS_PER_CASE_MAX; i++) {
      const a = meta({ kind: 'other', stepKey: null });
      validateAttach(engine, a);
      attach(engine, a);
      added.push(a.id);
    }
    expect(refusal(() => validateAttach(engine, meta({ kind: 'other', stepKey: null }))).label.zh).toContain('已达上限');
    // The handler alone (a history recorded before the limit) still applies it.
    const late = meta({ kind: 'other', stepKey: null });
    attach(engine, late);
    added.push(late.id);
    // Removing makes room until the uploads in all are spent: 101 so far.
    let uploads = ATTACHMENTS_PER_CASE_MAX + 1;
    for (;;) {
      while (added.length >= ATTACHMENTS_PER_CASE_MAX) detach(engine, added.shift()!, actor('organizer')).apply();
      const a = meta({ kind: 'other', stepKey: null });
      if (uploads === ATTACHMENT_UPLOADS_PER_CASE_MAX) {
        expect(refusal(() => validateAttach(engine, a)).label.en).toContain(`${ATTACHMENT_UPLOADS_PER_CASE_MAX} uploads`);
        return;
      }
      validateAttach(engine, a);
      attach(engine, a);
      added.push(a.id);
      uploads++;
    }
  });

  it("an attachment the FAO uploaded is removed by the FAO only; the unit's own by the unit", () => {
    const engine = newEngine();
    const note = meta({ kind: 'other', stepKey: null, fileName: '外办说明.pdf' });
    attach(engine, note, actor('fao-clerk', 'fao'));
    const own = meta({ kind: 'other', stepKey: null });
    attach(engine, own);
    expect(refusal(detach(engine, note.id, actor('organizer')).validate).label.zh).toBe('附件 外办说明.pdf 由外办上传，只能由外办删除');
    detach(engine, own.id, actor('organizer')).validate();
    detach(engine, note.id, actor('fao-reviewer', 'fao')).validate();
  });
});
