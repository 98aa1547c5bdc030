import type { Label } from './roles';
import { isBlank } from './text-rule';

/**
 * Attachments of a case (issue 15 item 3): the documents uploaded per case and per step. Pure data shared by
 * the engine (which kinds a step needs), the API (limits, types) and the web app (labels). docs/attachments.md.
 */

/** What a document is. The kinds a step needs are declared on the step (StepBehaviour.requiresAttachments). */
export const ATTACHMENT_KINDS = [
  'invitation-letter',
  'invitation-translation',
  'inviter-note',
  'itinerary',
  'passport-copy',
  'other',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export const ATTACHMENT_KIND_LABELS: Record<AttachmentKind, Label> = {
  'invitation-letter': { zh: '邀请函', en: 'Invitation letter' },
  'invitation-translation': { zh: '邀请函译文', en: 'Invitation letter translation' },
  'inviter-note': { zh: '邀请方情况说明', en: 'Note on the inviting party' },
  itinerary: { zh: '日程安排', en: 'Itinerary' },
  'passport-copy': { zh: '护照复印件', en: 'Passport copy' },
  other: { zh: '其他材料', en: 'Other document' },
};

/**
 * The kinds a case of each process is offered to upload, the usual first (a trip's invitation letter; a card
 * application's passport copies; a whitelist filing's supporting documents as 其他材料). New-user trial 62: a
 * whitelist filing's page offered 邀请函 first.
 */
export const ATTACHMENT_KINDS_BY_PROCESS: Record<'delegation' | 'apec-card' | 'apec-whitelist', readonly AttachmentKind[]> = {
  delegation: ATTACHMENT_KINDS,
  'apec-card': ['passport-copy', 'other'],
  'apec-whitelist': ['other'],
};

export const isAttachmentKind = (v: unknown): v is AttachmentKind =>
  typeof v === 'string' && (ATTACHMENT_KINDS as readonly string[]).includes(v);

/**
 * The attachment kind a 容缺 document's id names, however it is spelled (letter case, width, separators, invisible
 * characters: `Invitation_Translation`, `invitationTranslation` are `invitation-translation`), else undefined (a
 * document of no kind: any file supplies it). Its file must be of that kind (the supply's rule attachment-kind; new-user
 * trials: `Invitation-Translation`, then `invitation.translation`, were supplied with a passport copy). Pure string
 * work: no imports.
 */
export function documentAttachmentKind(documentId: unknown): AttachmentKind | undefined {
  if (typeof documentId !== 'string') return undefined;
  const key = documentIdKey(documentId);
  return ATTACHMENT_KINDS.find((k) => documentIdKey(k) === key);
}

/** A kind or a document id as compared: its letters and digits only, folded (width, case). */
export const documentIdKey = (v: string): string =>
  v
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Types accepted, as sniffed from the content's first bytes (never the client's Content-Type): scans and
 * signed letters arrive as PDF or images.
 */
export const ATTACHMENT_MIME_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type AttachmentMimeType = (typeof ATTACHMENT_MIME_TYPES)[number];

/**
 * A case's attachments: at most ATTACHMENTS_PER_CASE_MAX at once, and ATTACHMENT_UPLOADS_PER_CASE_MAX uploads in all
 * (removed ones count): each upload is an Update and an append in the case's Temporal history (about 13 events), which
 * must stay far from Temporal's history limits, and a case's documents are a few dozen (thirteenth trial: 170 uploads to
 * one case, 12 of 10 MB, were all taken).
 */
export const ATTACHMENTS_PER_CASE_MAX = 100;
export const ATTACHMENT_UPLOADS_PER_CASE_MAX = 300;

/**
 * The extensions a file of each accepted type is named with: a saved download opens by its extension, so a PDF named
 * `x.html` would open as a web page (thirteenth trial: `%PDF` then `<script>` uploaded as polyglot.html was kept).
 */
export const ATTACHMENT_EXTENSIONS: Readonly<Record<AttachmentMimeType, readonly string[]>> = {
  'application/pdf': ['.pdf'],
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
};

/** Whether `name` ends in an extension of `mimeType` (ATTACHMENT_EXTENSIONS), in any letter case. */
export function fileNameFitsType(name: string, mimeType: AttachmentMimeType): boolean {
  const lower = name.toLowerCase();
  return ATTACHMENT_EXTENSIONS[mimeType].some((ext) => lower.endsWith(ext));
}

/** Default largest file in bytes (10 MiB); the deployment may lower or raise it (ATTACHMENT_MAX_BYTES). */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Longest file name kept, in characters. */
export const ATTACHMENT_NAME_MAX = 200;

/**
 * The device names Windows reserves, whatever the extension (`CON`, `nul.pdf`, `LPT1.txt`; COM and LPT also with the
 * superscript digits ¹²³ Windows reads as ports), compared without letter case and without spaces before the first dot.
 */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])$/i;
/** Characters no file name may hold on one of the systems a downloaded file is saved on: path separators, Windows' `<>:"|?*`. */
const NOT_PORTABLE = /[/\\<>:"|?*]/;
/** Control characters and line separators (trials: CR/LF, then U+2028, were stored as given). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Whether a file name can be kept and saved again as it is, on every system the office's users download to (rule
 * `file-name`): 1-ATTACHMENT_NAME_MAX characters, visible characters before its extension, no path separator, no
 * character Windows refuses (`<>:"|?*`), no control character or line separator, not a device name Windows reserves
 * (`CON`, `NUL`, `COM1`, `LPT1.txt`: new-user trial, accepted), not ending in a dot or a space (Windows drops them: the
 * name saved is another). A name of only
 * invisible characters is blank (isBlank, the text rule's).
 */
export function isPortableFileName(name: string): boolean {
  const base = name.split('.')[0]!.replace(/[ ]+$/, '');
  return !(
    isBlank(name) ||
    isBlank(name.replace(/\.[^.]*$/, '')) ||
    [...name].length > ATTACHMENT_NAME_MAX ||
    NOT_PORTABLE.test(name) ||
    CONTROL.test(name) ||
    WINDOWS_RESERVED.test(base) ||
    /[. ]$/.test(name)
  );
}

/** The attachment facts the engine holds: enough to decide whether a step's required kinds are present. */
export interface AttachmentFact {
  id: string;
  kind: AttachmentKind;
  /** The step instance key it was uploaded for (e.g. A03:US), or null for the case as a whole. */
  stepKey: string | null;
  /** Its content's SHA-256 (hex): one content serves one required kind (missingAttachmentKinds' `distinct`). */
  sha256?: string;
}

/**
 * The required kinds a step instance still misses: a kind is present when a live attachment of that kind was
 * uploaded for this step instance, or for the case as a whole (stepKey null), and `serves` it (default: every one; the
 * engine's: added after a change that made the step's earlier documents stale, CaseCore.documentsServe). With
 * `distinct`, one content (SHA-256) serves one required kind only: the same bytes uploaded as the invitation letter and
 * as its translation are one document (forty-seventh trial), so the kind asked later in `required` is missing.
 */
export function missingAttachmentKinds(
  required: readonly AttachmentKind[] | undefined,
  stepKey: string,
  attachments: Iterable<AttachmentFact>,
  serves: (a: AttachmentFact) => boolean = () => true,
  distinct = false,
): AttachmentKind[] {
  if (!required || required.length === 0) return [];
  const contents = new Map<AttachmentKind, Set<string>>();
  for (const a of attachments)
    if ((a.stepKey === null || a.stepKey === stepKey) && serves(a)) {
      let of = contents.get(a.kind);
      if (!of) contents.set(a.kind, (of = new Set()));
      of.add(distinct ? (a.sha256 ?? a.id) : a.id);
    }
  const used = new Set<string>();
  return required.filter((k) => {
    const content = [...(contents.get(k) ?? [])].find((c) => !used.has(c));
    if (content === undefined) return true;
    if (distinct) used.add(content);
    return false;
  });
}

/**
 * What holds a live attachment on the case, whoever asks to remove it: a document its finished step required (the step
 * was completed on its strength: rule `step-done`), or a file a supplied 容缺 document rests on (`supplied-document`).
 * The engine's detach check refuses with it (409 ACTION_NOT_ALLOWED); the case page shows it instead of a Remove button
 * (forty-seventh trial: Remove was offered for the letter A03 was completed on, and the API refused it). `step`: the
 * attachment's step as the case holds it now; `suppliedDocument`: the name of the missing document supplied as this
 * file. Undefined: nothing here holds it (who uploaded it is mayRemoveUpload's).
 */
export function attachmentHeldBy(
  a: { kind: AttachmentKind; stepKey: string | null },
  step: { status: string; requiresAttachments?: readonly string[] } | undefined,
  suppliedDocument: string | undefined,
): { rule: 'step-done' | 'supplied-document'; message: Label } | undefined {
  if (a.stepKey !== null && step?.status === 'done' && step.requiresAttachments?.includes(a.kind)) {
    const kind = ATTACHMENT_KIND_LABELS[a.kind];
    return {
      rule: 'step-done',
      message: {
        zh: `步骤 ${a.stepKey} 已凭此${kind.zh}办结，不能删除`,
        en: `Step ${a.stepKey} was completed on this ${kind.en.toLowerCase()}: it cannot be removed`,
      },
    };
  }
  if (suppliedDocument !== undefined)
    return {
      rule: 'supplied-document',
      message: {
        zh: `缺件 ${suppliedDocument} 已凭此附件补交，不能删除`,
        en: `The missing document ${suppliedDocument} was supplied as this file: it cannot be removed`,
      },
    };
  return undefined;
}

/**
 * attachmentHeldBy over a case as its progress answer shows it: the attachment's step among `steps` and the 容缺
 * document supplied as it among `deficiencies`. The API's attachment list (each item's `heldBy`, and `mayRemove`
 * false for a held file: trial 50, the list offered a removal the engine refuses) and the case page ask it.
 */
export function attachmentHeldOnCase(
  a: { id: string; kind: AttachmentKind; stepKey: string | null },
  c: {
    steps: ReadonlyArray<{ key: string; status: string; requiresAttachments?: readonly string[] }>;
    deficiencies?: ReadonlyArray<{ name: string; status: string; fileRef?: string }>;
  },
): { rule: 'step-done' | 'supplied-document'; message: Label } | undefined {
  const step = a.stepKey !== null ? c.steps.find((s) => s.key === a.stepKey) : undefined;
  const supplied = (c.deficiencies ?? []).find((d) => d.status === 'supplied' && d.fileRef === a.id);
  return attachmentHeldBy(a, step, supplied?.name);
}
