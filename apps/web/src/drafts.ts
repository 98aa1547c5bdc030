/**
 * A form's unsent values, kept in the browser tab (sessionStorage) while the user is signed in: leaving the page,
 * reloading it or signing in again after the session expired does not lose what was typed (trial 54: a new trip's
 * title typed, the page left, the form empty on return). Per user and form; gone when the form is sent, discarded,
 * or the user signs out, and with the tab (personal data stays on no shared computer past it).
 *
 * The draft keeps the form's idempotency key too: a submission whose answer never came (503, retry with the same key)
 * sent again from the restored draft is the same submission, not a second case.
 */
export interface Draft<T> {
  values: T;
  /** The step of a multi-step form the user was on. */
  step: number;
  /** Epoch ms of the last change. */
  savedAt: number;
  idempotencyKey: string;
}

const PREFIX = 'df.draft.';
const keyOf = (form: string, userId: string) => `${PREFIX}${form}.${userId}`;

export function readDraft<T>(form: string, userId: string): Draft<T> | null {
  try {
    const d = JSON.parse(sessionStorage.getItem(keyOf(form, userId)) ?? 'null') as Draft<T> | null;
    return d && typeof d === 'object' && d.values && typeof d.idempotencyKey === 'string' ? d : null;
  } catch {
    return null;
  }
}

export function saveDraft<T>(form: string, userId: string, draft: Draft<T>): void {
  try {
    sessionStorage.setItem(keyOf(form, userId), JSON.stringify(draft));
  } catch {
    // Storage full or refused (a private window's quota): the form works on, without a draft.
  }
}

export function discardDraft(form: string, userId: string): void {
  sessionStorage.removeItem(keyOf(form, userId));
}

/** At sign-out: the tab keeps no one's unsent forms. */
export function discardAllDrafts(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
}
