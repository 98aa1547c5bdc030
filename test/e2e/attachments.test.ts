import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DEFAULT_DEFINITION, type ProcessDefinition } from '@df/domain';
import { eventually, startTestWorker, type TestWorker } from '../support/harness';
import {
  bearer,
  binaryBody,
  canonicalSubmission,
  createTestUsers,
  startTestApi,
  type TestApi,
  type TestUsers,
} from '../support/api-harness';
import { getProgress, waitForStep } from '../support/api-flow';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { AttachmentListSchema, AttachmentRemovedSchema, AttachmentUploadedSchema } from '../../apps/api/src/attachments/schemas';

/**
 * Attachments end to end (issue 15 item 3) on real Temporal and PostgreSQL, files on local disk: upload with the
 * type sniffed and the SHA-256 kept, every bad input refused naming the field and the rule with nothing written,
 * a step that requires documents refused without them and completed after the upload, download bytes equal.
 * Own database: the process version declaring A03's documents is office-wide.
 */

const MAX_BYTES = 64 * 1024;
const documented = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
  const r = schema.safeParse(body);
  expect(r.success ? null : r.error).toBeNull();
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// Real magic numbers: what the server sniffs, whatever the client claims.
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${text}\n%%EOF\n`);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);

/**
 * A multipart body built by hand: the file name goes out exactly as given (RFC 5987 filename* for non-ASCII, so a
 * NUL can be sent percent-encoded, as a hostile client would), with the Content-Type the client claims.
 */
function multipart(
  fields: Record<string, string>,
  file?: { name: string; type: string; body: Buffer; rawName?: boolean; percentEncodedName?: string },
) {
  const boundary = `----df${randomUUID().replace(/-/g, '')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    // rawName: the name's bytes as they are in filename="…" (a control byte in the part header itself).
    const ascii = file.rawName || (/^[\x20-\x7e]*$/.test(file.name) && !file.name.includes('"'));
    // percentEncodedName: the RFC 5987 value as given, bytes that are not UTF-8 included (`%E9%82%80%FF.pdf`).
    const disposition = file.percentEncodedName
      ? `filename="upload.bin"; filename*=UTF-8''${file.percentEncodedName}`
      : ascii
        ? `filename="${file.name}"`
        : `filename="upload.bin"; filename*=UTF-8''${encodeURIComponent(file.name)}`;
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; ${disposition}\r\nContent-Type: ${file.type}\r\n\r\n`),
    );
    parts.push(file.body, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { type: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

describe('attachments (issue 15 item 3): upload, limits, required documents, download', () => {
  let db: TestDatabase;
  let worker: TestWorker;
  let api: TestApi;
  let users: TestUsers;
  let other: TestUsers;
  let dir: string;
  let caseId: string;

  const upload = (token: string, id: string, fields: Record<string, string>, file?: Parameters<typeof multipart>[1], key?: string) => {
    const m = multipart(fields, file);
    const req = request(api.http).post(`/api/delegations/${id}/attachments`).set(bearer(token)).set('Content-Type', m.type);
    if (key) req.set('Idempotency-Key', key);
    return req.send(m.body);
  };
  const filesOnDisk = (): string[] => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => out.push(p))(join(d, e.name));
    };
    walk(dir);
    return out;
  };
  const list = async (includeRemoved = false) => {
    const res = await request(api.http)
      .get(`/api/delegations/${caseId}/attachments${includeRemoved ? '?includeRemoved=true' : ''}`)
      .set(bearer(users.tokens.organizer))
      .expect(200);
    documented(AttachmentListSchema, res.body);
    return res.body.items as Array<Record<string, unknown>>;
  };
  const completeA03 = () =>
    request(api.http).post(`/api/delegations/${caseId}/steps/A03:US/complete`).set(bearer(users.tokens.organizer)).send({});

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'df-attachments-'));
    db = await createTestDatabase('attachments');
    worker = await startTestWorker({ databaseUrl: db.url });
    const attachments = { maxBytes: MAX_BYTES, storage: { kind: 'local' as const, dir } };
    api = await startTestApi({ databaseUrl: db.url, taskQueue: worker.config.taskQueue, attachments });
    users = await createTestUsers(api);
    other = await createTestUsers(api);
    // The office's process version declares A03's documents (the step's definition: behaviour.requiresAttachments).
    const definition: ProcessDefinition = {
      ...structuredClone(DEFAULT_DEFINITION),
      version: 'office-attachments',
      steps: DEFAULT_DEFINITION.steps.map((s) =>
        s.code === 'A03'
          ? { ...s, behaviour: { ...s.behaviour, requiresAttachments: ['invitation-letter', 'invitation-translation'] } }
          : s,
      ),
    };
    await request(api.http)
      .post('/api/registries/process-versions')
      .set(bearer(users.tokens['fao-director']))
      .send({ definition })
      .expect(201);
    const sub = await request(api.http)
      .post('/api/delegations')
      .set(bearer(users.tokens.organizer))
      .send(canonicalSubmission(users.unit))
      .expect(201);
    caseId = sub.body.caseId;
    await waitForStep(api, users.tokens.organizer, caseId, 'A02', ['awaiting', 'overdue']);
    await request(api.http).post(`/api/delegations/${caseId}/steps/A02/complete`).set(bearer(users.tokens.organizer)).send({}).expect(200);
    await waitForStep(api, users.tokens.organizer, caseId, 'A03:US', ['awaiting', 'overdue']);
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a step declaring its documents is refused without them, naming each missing kind in both languages', async () => {
    const p = await getProgress(api, users.tokens.organizer, caseId);
    expect(p.definitionVersion).toBe('office-attachments');
    expect(p.steps.find((s) => s.key === 'A03:US')).toMatchObject({
      requiresAttachments: ['invitation-letter', 'invitation-translation'],
      missingAttachments: ['invitation-letter', 'invitation-translation'],
    });
    const refused = await completeA03().expect(409);
    expect(refused.body).toMatchObject({ code: 'MISSING_ATTACHMENTS', stepKey: 'A03:US' });
    expect(refused.body.message.zh).toContain('邀请函');
    expect(refused.body.message.en).toContain('invitation-letter');
    expect(refused.body.message.en).toContain('invitation-translation');
  });

  it('refuses bad input naming the field and the rule, and writes nothing (no file, no row)', async () => {
    const tok = users.tokens.organizer;
    const letter = { name: 'letter.pdf', type: 'application/pdf', body: pdf('letter') };
    const cases: Array<[string, Promise<request.Response>, number, string, string]> = [
      ['no file', upload(tok, caseId, { kind: 'invitation-letter' }), 400, 'file', 'required'],
      ['empty file', upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, body: Buffer.alloc(0) }), 400, 'file', 'non-empty'],
      [
        'oversized',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, body: Buffer.concat([pdf('big'), Buffer.alloc(MAX_BYTES)]) }),
        413,
        'file',
        'max-bytes',
      ],
      [
        'text claiming to be a PDF',
        upload(tok, caseId, { kind: 'invitation-letter' }, { name: 'letter.pdf', type: 'application/pdf', body: Buffer.from('just text') }),
        415,
        'file',
        'media-type',
      ],
      ['unknown kind', upload(tok, caseId, { kind: 'selfie' }, letter), 400, 'kind', 'enum'],
      ['malformed step', upload(tok, caseId, { kind: 'invitation-letter', stepKey: 'a03' }, letter), 400, 'stepKey', 'format'],
      // multer's limits in our field and rule (new-user trial: LIMIT_FIELD_VALUE, LIMIT_FIELD_COUNT as rule names).
      ['a kind over 1024 bytes', upload(tok, caseId, { kind: 'k'.repeat(2000) }, letter), 400, 'kind', 'max'],
      ['too many fields', upload(tok, caseId, { kind: 'other', a: '1', b: '2', c: '3' }, letter), 400, '(body)', 'max-fields'],
      [
        'NUL in the file name',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name: '邀请函\u0000.pdf' }),
        400,
        'file.name',
        'text-control',
      ],
      // New-user trial: a name's bytes that are not UTF-8 were decoded to U+FFFD and stored; refused as a JSON body's are.
      [
        'a file name whose bytes are not UTF-8',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, percentEncodedName: '%E9%82%80%FF%FE.pdf' }),
        400,
        'file.name',
        'encoding',
      ],
      // New-user trial: a right-to-left override turns 邀请函 ‮fdp.exe.pdf into what reads as …pdf.exe (spoofing).
      [
        'right-to-left override in the file name',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name: '邀请函 \u202Efdp.exe.pdf' }),
        400,
        'file.name',
        'text-bidi',
      ],
      [
        'a file name of zero-width spaces',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name: '\u200B\u200B' }),
        400,
        'file.name',
        'file-name',
      ],
      // Second trial: visible only as its extension (`.pdf`).
      [
        'a file name of zero-width spaces before its extension',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name: '\u200B\u200B.pdf' }),
        400,
        'file.name',
        'file-name',
      ],
      // Third trial: CR/LF in an encoded name was stored as given.
      [
        'a line break in the file name',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name: '邀请函\r\n副本.pdf' }),
        400,
        'file.name',
        'file-name',
      ],
      [
        'a line separator (U+2028) in the file name',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name: '邀请函\u2028副本.pdf' }),
        400,
        'file.name',
        'file-name',
      ],
      // New-user trial: Windows device names and names Windows changes on saving were accepted (isPortableFileName).
      // Twelfth trial: a path was cut down to its last part and stored (`../../etc/passwd.pdf` as `passwd.pdf`, 201).
      ...(
        ['CON', 'NUL', 'COM1', 'LPT1.txt', '邀请函.pdf.', '邀请函.pdf ', '../../etc/passwd.pdf', 'dir/b.pdf', '目录\\邀请函.pdf'] as const
      ).map((name): [string, Promise<request.Response>, number, string, string] => [
        `the file name ${JSON.stringify(name)}`,
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name }),
        400,
        'file.name',
        'file-name',
      ]),
      // Thirteenth trial: a PDF named polyglot.html was kept, and a saved download opens by its name as a web page.
      ...(['polyglot.html', '邀请函.png', '邀请函', 'scan.pdf.exe'] as const).map(
        (name): [string, Promise<request.Response>, number, string, string] => [
          `a PDF named ${JSON.stringify(name)}`,
          upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name }),
          400,
          'file.name',
          'file-extension',
        ],
      ),
      // Trial 83: an empty file name, refused as an unknown field `file`; a file's name is what is wrong.
      ['an empty file name', upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name: '' }), 400, 'file.name', 'file-name'],
      // The trial's input: a raw control byte in the part header (busboy refuses the header as a whole).
      [
        'raw control byte in the file name',
        upload(tok, caseId, { kind: 'invitation-letter' }, { ...letter, name: 'invitation\u0001.pdf', rawName: true }),
        400,
        'file.name',
        'text-control',
      ],
    ];
    for (const [what, res, status, field, rule] of cases) {
      const r = await res;
      expect({ what, status: r.status }).toEqual({ what, status });
      expect({ what, errors: r.body.errors }).toMatchObject({ what, errors: [{ field, rule }] });
      expect(r.body.message.zh).toBeTruthy();
      expect(r.body.message.en).toBeTruthy();
      // Every message in both languages and in our words, never multer's (e.g. "Field value too long").
      expect({
        what,
        zh: /[\u4e00-\u9fff]/.test(r.body.errors[0].message.zh),
        multer: /LIMIT_|too long\b/.test(JSON.stringify(r.body)),
      }).toEqual({
        what,
        zh: true,
        multer: false,
      });
    }
    // The malformed step key is refused in words, not by zod's regular expression (new-user trial: the English read
    // "Invalid string: must match pattern /^[A-Z][0-9]{2}…/").
    // The words and the rule of a step key in a path (one home, StepKeySchema): a line break is single-line.
    const malformed = await upload(tok, caseId, { kind: 'invitation-letter', stepKey: 'a03' }, letter);
    expect(malformed.body.errors).toEqual([
      {
        field: 'stepKey',
        rule: 'format',
        message: {
          zh: '步骤编号须为步骤代码，可带成员编号、国家代码，如 B07、A11:m1、D12:US',
          en: "A step key is a step's code, with a member id or a country code where it has them, e.g. B07, A11:m1, D12:US",
        },
      },
    ]);
    const twoLines = await upload(tok, caseId, { kind: 'invitation-letter', stepKey: 'A03\nB07' }, letter);
    expect(twoLines.body.errors).toMatchObject([{ field: 'stepKey', rule: 'single-line' }]);
    // A step the case does not have: the workflow refuses at the form field (trial: named path.stepKey, 404), and
    // the stored file is deleted again.
    const unknownStep = await upload(tok, caseId, { kind: 'invitation-letter', stepKey: 'Z99' }, letter);
    expect(unknownStep.status).toBe(422);
    expect(unknownStep.body).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [{ field: 'stepKey', rule: 'known-step', message: { zh: '本案没有步骤 Z99', en: 'This case has no step Z99' } }],
    });
    // An unknown case, a manager, another unit's organizer.
    expect((await upload(tok, 'no-such-case', { kind: 'other' }, letter)).status).toBe(404);
    // The manager reads everything and decides nothing: FORBIDDEN_ROLE, as on a decision (new-user trial: WRONG_ROLE here).
    expect((await upload(users.tokens.manager, caseId, { kind: 'other' }, letter)).body.code).toBe('FORBIDDEN_ROLE');
    expect((await upload(other.tokens.organizer, caseId, { kind: 'other' }, letter)).status).toBe(403);
    expect(await list(true)).toEqual([]);
    expect(filesOnDisk()).toEqual([]);
  });

  it('stores an upload with the sniffed type and its SHA-256; the step completes once both documents are in; download gives the same bytes', async () => {
    const letterBytes = pdf('invitation from the US counterpart');
    const name = '邀请函（美国商务部）.pdf';
    // The client claims octet-stream: the server sniffs the PDF.
    const first = await upload(
      users.tokens.organizer,
      caseId,
      { kind: 'invitation-letter', stepKey: 'A03:US' },
      { name, type: 'application/octet-stream', body: letterBytes },
      'letter-upload-1',
    ).expect(201);
    documented(AttachmentUploadedSchema, first.body);
    expect(first.body.attachment).toMatchObject({
      caseId,
      kind: 'invitation-letter',
      stepKey: 'A03:US',
      fileName: name,
      mimeType: 'application/pdf',
      size: letterBytes.length,
      sha256: sha256(letterBytes),
      uploadedBy: users.usernames.organizer,
      removedAt: null,
    });
    // The same Idempotency-Key again: the first answer, one row, one file.
    const again = await upload(
      users.tokens.organizer,
      caseId,
      { kind: 'invitation-letter', stepKey: 'A03:US' },
      { name, type: 'application/octet-stream', body: letterBytes },
      'letter-upload-1',
    ).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.attachment.id).toBe(first.body.attachment.id);
    expect(filesOnDisk()).toHaveLength(1);
    expect(readFileSync(filesOnDisk()[0]!)).toEqual(letterBytes);

    // One of two documents: still refused, naming only the translation.
    const half = await completeA03().expect(409);
    expect(half.body.message.en).toContain('invitation-translation');
    expect(half.body.message.en).not.toContain('invitation-letter,');
    expect(half.body.message.en).not.toMatch(/invitation-letter\)/);

    const translation = await upload(
      users.tokens['fao-clerk'],
      caseId,
      { kind: 'invitation-translation', stepKey: 'A03:US' },
      { name: 'translation.png', type: 'image/png', body: PNG },
    ).expect(201);
    expect(translation.body.attachment).toMatchObject({
      mimeType: 'image/png',
      sha256: sha256(PNG),
      uploadedBy: users.usernames['fao-clerk'],
    });
    // Each file says whether the reader may remove it: the FAO's translation is the FAO's (thirteenth trial's left:
    // the list said mayRemove for the case while the organizer's DELETE of the FAO's file was 409).
    const removable = async (token: string) =>
      (await request(api.http).get(`/api/delegations/${caseId}/attachments`).set(bearer(token)).expect(200)).body as {
        mayRemove: boolean;
        items: Array<{ id: string; mayRemove: boolean }>;
      };
    const forOrganizer = await removable(users.tokens.organizer);
    expect(forOrganizer.mayRemove).toBe(true);
    expect(forOrganizer.items.map((a) => [a.id, a.mayRemove])).toEqual(
      expect.arrayContaining([
        [first.body.attachment.id, true],
        [translation.body.attachment.id, false],
      ]),
    );
    await request(api.http)
      .delete(`/api/delegations/${caseId}/attachments/${translation.body.attachment.id}`)
      .set(bearer(users.tokens.organizer))
      .expect(409);
    expect((await removable(users.tokens['fao-clerk'])).items.find((a) => a.id === translation.body.attachment.id)?.mayRemove).toBe(true);
    const p = await getProgress(api, users.tokens.organizer, caseId);
    expect(p.steps.find((s) => s.key === 'A03:US')?.missingAttachments).toEqual([]);
    await completeA03().expect(200);

    const dl = await request(api.http)
      .get(`/api/delegations/${caseId}/attachments/${first.body.attachment.id}`)
      .set(bearer(users.tokens['fao-reviewer']))
      .buffer(true)
      .parse(binaryBody)
      .expect(200);
    expect(Buffer.compare(dl.body as Buffer, letterBytes)).toBe(0);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent(name).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    );
    expect(dl.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha256(letterBytes), 'hex').toString('base64')}:`);

    // The timeline records each upload with its uploader.
    const timeline = await request(api.http).get(`/api/delegations/${caseId}/timeline`).set(bearer(users.tokens.organizer)).expect(200);
    const added = timeline.body.events.filter((e: { type: string }) => e.type === 'attachment.added');
    expect(added.map((e: { actorId: string; payload: { kind: string } }) => [e.actorId, e.payload.kind])).toEqual([
      [users.usernames.organizer, 'invitation-letter'],
      [users.usernames['fao-clerk'], 'invitation-translation'],
    ]);
  });

  it('verifies the checksum on download: a file changed on disk is not served', async () => {
    const bytes = pdf('a note on the inviter');
    const up = await upload(
      users.tokens.organizer,
      caseId,
      { kind: 'inviter-note' },
      { name: 'note.pdf', type: 'application/pdf', body: bytes },
    ).expect(201);
    const path = filesOnDisk().find((f) => f.includes(up.body.attachment.id))!;
    writeFileSync(path, Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from('X')]));
    expect(statSync(path).size).toBe(bytes.length);
    const res = await request(api.http)
      .get(`/api/delegations/${caseId}/attachments/${up.body.attachment.id}`)
      .set(bearer(users.tokens.organizer));
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ATTACHMENT_CORRUPTED');
  });

  it('removes an attachment on the record (row kept with removedAt, file deleted); a document a finished step needed stays', async () => {
    // The list says what keeps the letter (A03 was completed on it) and offers no removal (trial 50: mayRemove was true,
    // and the DELETE 409), from the case's published answer.
    const letter = (await eventually(list, (items) => items.some((a) => a.kind === 'invitation-letter' && a.heldBy !== null))).find(
      (a) => a.kind === 'invitation-letter',
    )!;
    expect(letter).toMatchObject({
      mayRemove: false,
      heldBy: {
        rule: 'step-done',
        message: {
          zh: '步骤 A03:US 已凭此邀请函办结，不能删除',
          en: 'Step A03:US was completed on this invitation letter: it cannot be removed',
        },
      },
    });
    const kept = await request(api.http)
      .delete(`/api/delegations/${caseId}/attachments/${String(letter.id)}`)
      .set(bearer(users.tokens.organizer))
      .expect(409);
    expect(kept.body.code).toBe('ACTION_NOT_ALLOWED');
    const up = await upload(users.tokens.organizer, caseId, { kind: 'other' }, { name: 'misc.png', type: 'image/png', body: PNG }).expect(
      201,
    );
    const id = up.body.attachment.id as string;
    expect((await list()).find((a) => a.id === id)).toMatchObject({ mayRemove: true, heldBy: null });
    const before = filesOnDisk().length;
    const res = await request(api.http)
      .delete(`/api/delegations/${caseId}/attachments/${id}`)
      .set(bearer(users.tokens.organizer))
      .expect(200);
    documented(AttachmentRemovedSchema, res.body);
    expect(filesOnDisk()).toHaveLength(before - 1);
    expect((await list()).map((a) => a.id)).not.toContain(id);
    expect((await list(true)).find((a) => a.id === id)).toMatchObject({
      removedBy: users.usernames.organizer,
      removedAt: expect.any(String),
    });
    // New-user trial: an attachment removed read 404 NOT_FOUND (path, known) on GET and 422 (attachmentId, known-attachment)
    // on a second DELETE. One answer for a file the case does not hold, never or no more: 404 at path.attachmentId.
    const never = randomUUID();
    const answers = [
      await request(api.http).get(`/api/delegations/${caseId}/attachments/${id}`).set(bearer(users.tokens.organizer)),
      await request(api.http).delete(`/api/delegations/${caseId}/attachments/${id}`).set(bearer(users.tokens.organizer)),
      await request(api.http)
        .delete(`/api/delegations/${caseId}/attachments/${id}`)
        .set(bearer(users.tokens.organizer))
        .set('Idempotency-Key', randomUUID()),
      await request(api.http).get(`/api/delegations/${caseId}/attachments/${never}`).set(bearer(users.tokens.organizer)),
      await request(api.http).delete(`/api/delegations/${caseId}/attachments/${never}`).set(bearer(users.tokens.organizer)),
    ];
    for (const a of answers)
      expect([a.status, a.body.code, a.body.errors]).toEqual([
        404,
        'NOT_FOUND',
        [
          {
            field: 'path.attachmentId',
            rule: 'known',
            message: { zh: '本案没有此附件（或已删除）', en: 'This case holds no such attachment (or it was removed)' },
          },
        ],
      ]);
    // Another unit's organizer sees nothing of the case's documents.
    await request(api.http).get(`/api/delegations/${caseId}/attachments`).set(bearer(other.tokens.organizer)).expect(403);
  });

  it("after another inviter, the old letter's bytes uploaded to A03 again are refused at the file (trial 50: 201, and A03 still missed it)", async () => {
    const stop = canonicalSubmission(users.unit).destinations[0]!;
    await request(api.http)
      .post(`/api/delegations/${caseId}/amend`)
      .set(bearer(users.tokens.organizer))
      .send({
        changes: { destinations: [{ ...stop, inviter: { name: 'Bob Smith', organization: 'Dallas Regional Chamber' } }] },
        comment: '邀请方变更',
      })
      .expect(200);
    await waitForStep(api, users.tokens.organizer, caseId, 'A03:US', ['awaiting', 'overdue']);
    const before = filesOnDisk().length;
    const rows = (await list(true)).length;
    const old = await upload(
      users.tokens.organizer,
      caseId,
      { kind: 'invitation-letter', stepKey: 'A03:US' },
      { name: '邀请函-再传.pdf', type: 'application/pdf', body: pdf('invitation from the US counterpart') },
    ).expect(422);
    expect(old.body.errors).toEqual([expect.objectContaining({ field: 'file', rule: 'new-file' })]);
    expect(old.body.errors[0].message.zh).toContain('不是新的邀请函');
    // Nothing kept of it: no file, no row.
    expect(filesOnDisk()).toHaveLength(before);
    expect(await list(true)).toHaveLength(rows);
    // The new invitation's letter is taken.
    const dallas = pdf('invitation from Dallas');
    await upload(
      users.tokens.organizer,
      caseId,
      { kind: 'invitation-letter', stepKey: 'A03:US' },
      { name: '邀请函（达拉斯）.pdf', type: 'application/pdf', body: dallas },
    ).expect(201);
    // Trial 53: its bytes again as the translation, or as the letter again, would not count: 422 at the file, naming
    // the file on the case.
    for (const [kind, rule] of [
      ['invitation-translation', 'one-content'],
      ['invitation-letter', 'duplicate-file'],
    ] as const) {
      const res = await upload(
        users.tokens.organizer,
        caseId,
        { kind, stepKey: 'A03:US' },
        { name: 'same.pdf', type: 'application/pdf', body: dallas },
      ).expect(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'file', rule })]);
      expect(res.body.errors[0].message.zh).toContain('“邀请函（达拉斯）.pdf”');
    }
    // Trial 76: nor as another step's document (one PDF was two countries' invitation letters and the itinerary).
    const itinerary = await upload(
      users.tokens.organizer,
      caseId,
      { kind: 'itinerary', stepKey: 'A05' },
      { name: '日程.pdf', type: 'application/pdf', body: dallas },
    ).expect(422);
    expect(itinerary.body.errors).toEqual([expect.objectContaining({ field: 'file', rule: 'one-content' })]);
    expect(itinerary.body.errors[0].message.zh).toMatch(/^此文件已作为步骤 A03:US 的邀请函上传：“邀请函（达拉斯）\.pdf”/);
  });
  describe('a case just submitted, its row not projected yet (F8): answered as the case detail answers it, never 404', () => {
    const submit = async () => {
      const sub = await request(api.http)
        .post('/api/delegations')
        .set(bearer(users.tokens.organizer))
        .send(canonicalSubmission(users.unit));
      expect(sub.status).toBe(201);
      return sub.body.caseId as string;
    };
    const letter = () => ({ name: 'invitation.pdf', type: 'application/pdf', body: pdf('invitation') });

    it('holding the projection back (case_steps locked): every per-case route knows the case; the upload lands once it is stored', async () => {
      const lock = new Client({ connectionString: db.url });
      await lock.connect();
      let held = true;
      const release = async () => {
        if (!held) return;
        held = false;
        await lock.query('COMMIT');
      };
      try {
        // The worker's first append (case.submitted: the cases row and its steps, one transaction) waits on the lock.
        await lock.query('BEGIN');
        await lock.query('LOCK TABLE case_steps IN EXCLUSIVE MODE');
        const id = await submit();
        expect((await lock.query('SELECT 1 FROM cases WHERE case_id = $1', [id])).rowCount).toBe(0);
        const as = (token: string) => ({
          get: (path: string) => request(api.http).get(`/api/delegations/${id}${path}`).set(bearer(token)),
          del: (path: string) => request(api.http).delete(`/api/delegations/${id}${path}`).set(bearer(token)),
        });
        const organizer = as(users.tokens.organizer);
        await organizer.get('').expect(200);
        await organizer.get('/timeline').expect(200);
        const listed = await organizer.get('/attachments');
        expect([listed.status, listed.body.code]).toEqual([200, undefined]);
        documented(AttachmentListSchema, listed.body);
        expect(listed.body).toMatchObject({ items: [], mayUpload: true });
        // No attachment yet: the attachment is unknown (NOT_FOUND), not the case.
        const unknown = randomUUID();
        expect((await organizer.get(`/attachments/${unknown}`)).body.code).toBe('NOT_FOUND');
        expect((await organizer.del(`/attachments/${unknown}`)).body.code).toBe('NOT_FOUND');
        await organizer.get('/documents/application-form.pdf').expect(200);
        // Another unit's user: out of scope, by the workflow's answer.
        expect((await as(other.tokens.organizer).get('/attachments')).body.code).toBe('CASE_OUT_OF_SCOPE');
        // The upload is sent while the row is not there; the workflow records it once the first events are stored.
        const sent = upload(users.tokens.organizer, id, { kind: 'invitation-letter' }, letter(), `f8-${id}`).then((r) => r);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await release();
        const uploaded = await sent;
        expect([uploaded.status, uploaded.body.code]).toEqual([201, undefined]);
        documented(AttachmentUploadedSchema, uploaded.body);
      } finally {
        await release().catch(() => undefined);
        await lock.end();
      }
    });

    it('submit and at once upload, list, read the timeline and withdraw, several times: never 404', async () => {
      for (let i = 0; i < 4; i++) {
        const id = await submit();
        const [uploaded, listed, timeline] = await Promise.all([
          upload(users.tokens.organizer, id, { kind: 'invitation-letter' }, letter(), `f8-loop-${id}`),
          request(api.http).get(`/api/delegations/${id}/attachments`).set(bearer(users.tokens.organizer)),
          request(api.http).get(`/api/delegations/${id}/timeline`).set(bearer(users.tokens.organizer)),
        ]);
        expect([uploaded.status, uploaded.body.code]).toEqual([201, undefined]);
        expect([listed.status, listed.body.code]).toEqual([200, undefined]);
        expect(timeline.status).toBe(200);
        const withdrawn = await request(api.http)
          .post(`/api/delegations/${id}/withdraw`)
          .set(bearer(users.tokens.organizer))
          .send({ reason: '测试撤回' });
        expect([withdrawn.status, withdrawn.body.code]).toEqual([200, undefined]);
      }
    });
  });
});
