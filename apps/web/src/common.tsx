import { accountName } from './accounts';
import {
  Alert,
  Button,
  Empty,
  Form,
  Input,
  Spin,
  Typography,
  type FormItemProps,
  type FormRule,
  type InputProps,
  type TableColumnType,
} from 'antd';
import { mayReadProcess } from '../../../libs/domain/src/access';
import { TARGET_DAY_LABELS, type ProcessKind } from '../../../libs/domain/src/definition/apec-card';
import type { Role } from '../../../libs/domain/src/roles';
import {
  BLANK_MESSAGE,
  isBlank,
  isStatedReason,
  REASON_WORDS_MESSAGE,
  textError,
  textRuleBroken,
} from '../../../libs/domain/src/text-rule';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type AnchorHTMLAttributes, type ReactNode } from 'react';
import { navigate } from './router';
import { api, ApiError, currentSession, type Catalog, type InboxItem, type UnitSummary } from './api';
import { amountOfText, NOT_A_FIGURE_WORDS } from './dialog-fields';
import { ROLE_NAMES, useT, type Bilingual, type Lang } from './i18n';

/**
 * Loads what a page shows and reloads it when `deps` change or `reload()` is called; with `live`, also refreshes
 * quietly every LIVE_REFRESH_MS while the tab is visible. Loading, error and empty states are rendered by <Loaded>.
 *
 * Answers can come back out of order: the unfiltered list still loading when the search typed meanwhile has answered,
 * a live refresh overtaken by a reload after a decision. Each request is numbered when it starts, and an answer is
 * shown only if it was asked with the page's current inputs and no later-started request's answer is shown already;
 * so the page never goes back to older data than it shows.
 */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[], options: { live?: boolean } = {}) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const load = useCallback(fn, deps);
  // started: the last request's number; shown: the number of the answer on screen; reload: the last loud request's
  // number (the page says "loading" until an answer at least as new is shown); load: the inputs now asked with.
  const turns = useRef({ started: 0, shown: 0, reload: 0, load });
  const request = useCallback(
    (quiet: boolean) => {
      const t = turns.current;
      const turn = ++t.started;
      t.load = load;
      if (!quiet) {
        t.reload = turn;
        setState((s) => ({ ...s, loading: true }));
      }
      const current = () => t.load === load && turn > t.shown;
      load().then(
        (data) => {
          if (!current()) return;
          t.shown = turn;
          // A quiet refresh's answer replaces an error on screen too: a live page left open recovers by itself from a
          // passing failure (a 503 while the API restarted) instead of showing it until the user clicks Retry.
          setState({ data, loading: turn < t.reload });
        },
        (error: unknown) => {
          // A failed quiet refresh keeps what is shown; the next one tries again.
          if (quiet || !current()) return;
          t.shown = turn;
          setState({ error, loading: false });
        },
      );
    },
    [load],
  );
  const reload = useCallback(() => request(false), [request]);
  useEffect(reload, [reload]);
  // Live pages show what others change (a desk's refusal, a new task): refreshed every LIVE_REFRESH_MS while the
  // tab is visible and at once when it becomes visible again. Quietly: the page stays as it is while loading.
  const live = options.live ?? false;
  useEffect(() => {
    if (!live) return;
    const refresh = () => {
      if (document.visibilityState === 'visible') request(true);
    };
    const timer = setInterval(refresh, LIVE_REFRESH_MS);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, [request, live]);
  return { ...state, reload };
}

/**
 * A text box's length at the API's limit, said and never enforced by cutting (trial 50: a 300-character city pasted
 * into a box with `maxLength` was cut to 100 without a word, and the cut text sent). `count` shows the count and marks
 * the box past `max` without changing what was typed; `rule` refuses it at the box (a Form.Item rule), as the API would.
 */
export function textLimit(max: number, lang: Lang): { count: { show: true; max: number }; rule: { max: number; message: string } } {
  return {
    count: { show: true, max },
    rule: { max, message: lang === 'zh' ? `最多 ${max} 个字符` : `At most ${max} characters` },
  };
}

/**
 * The API's text rules at a box, as typed (libs/domain text-rule.ts: no control characters, lone surrogates or
 * direction overrides; with `required`, not blank, invisible characters only counting as nothing): a Form.Item rule
 * (trial 53: a reason of zero-width characters, or with U+202E, was refused only after a round trip).
 */
export function textRules(lang: Lang, required = false): FormRule {
  return {
    validator: (_, value: unknown) => {
      if (typeof value !== 'string' || value === '') return Promise.resolve();
      // The API's words for it (a box said 仅有空格或不可见字符 where the API's refusal said 仅含不可见字符).
      if (required && isBlank(value)) return Promise.reject(new Error(BLANK_MESSAGE[lang]));
      const broken = textRuleBroken(value);
      return broken ? Promise.reject(new Error(textError('', broken).message[lang])) : Promise.resolve();
    },
  };
}

/**
 * A free-text box's rules: when `required`, `message` for an empty box (and the asterisk), and the text rules as
 * typed, so a text of spaces or invisible characters only is refused once, in the API's words (不得为空白), never
 * also as empty: the box's rules hold no `whitespace` check (trial 60: a reason of spaces read 必填 and 不得为空白
 * together, and a rule not required at the time added an empty line).
 */
export function requiredTextRules(lang: Lang, required: boolean, message: string): FormRule[] {
  return required ? [{ required: true, message }, textRules(lang, true)] : [textRules(lang)];
}

/**
 * A required reason's box (a return's, a withdrawal's, an objection, a card reported lost, …): requiredTextRules, and
 * the reason states something (isStatedReason: not 。 nor a bare 同意 or 退回), refused at the box in the API's words
 * (rule `reason-words`), not after a round trip. `required` false: the box's text rules only.
 */
export function reasonRules(lang: Lang, required: boolean, message: string): FormRule[] {
  if (!required) return requiredTextRules(lang, false, message);
  return [
    ...requiredTextRules(lang, true, message),
    {
      validator: (_, value: unknown) =>
        typeof value !== 'string' || isBlank(value) || isStatedReason(value)
          ? Promise.resolve()
          : Promise.reject(new Error(REASON_WORDS_MESSAGE[lang])),
    },
  ];
}

/**
 * A passport number box's value as typed: full-width letters and digits (a Chinese input method's, ＳＥ１２３４５６７)
 * folded to ASCII as they are typed (NFKC), as the API folds them (foldedPassportNumber; trial 76: refused as not letters
 * or digits). A Form.Item's `normalize`.
 */
export const foldWidth = (v: unknown): unknown => (typeof v === 'string' ? v.normalize('NFKC') : v);

/** An amount box's Form.Item rule: a text that is no figure (amountOfText kept it as typed) is refused at the box. */
export function amountRule(lang: Lang): FormRule {
  return {
    validator: (_, value: unknown) => (typeof value === 'string' ? Promise.reject(new Error(NOT_A_FIGURE_WORDS[lang])) : Promise.resolve()),
  };
}

type AmountValue = number | string | null;
type AmountInputProps = Omit<InputProps, 'value' | 'onChange'> & { value?: AmountValue; onChange?(value: AmountValue): void };

const textOfAmount = (value: AmountValue | undefined): string => (value === null || value === undefined ? '' : String(value));

/**
 * A figure box that shows what was typed and never changes it: no `min`, `max` or `precision`, which clamp or round
 * without a word (trial 48: -100 became 0.00 and 1.239 became 1.24 in the budget; trial 50: the same in every other
 * figure box), and no number parsing that drops what it cannot read (amountOfText). Its value is amountOfText's; a
 * value set from outside (a step's last figures, a reset) replaces the text.
 */
function AmountInput({ value, onChange, ...rest }: AmountInputProps) {
  const [text, setText] = useState(() => textOfAmount(value));
  const shown = amountOfText(text) === (value ?? null) ? text : textOfAmount(value);
  return (
    <Input
      inputMode="decimal"
      autoComplete="off"
      {...rest}
      value={shown}
      onChange={(e) => {
        setText(e.target.value);
        onChange?.(amountOfText(e.target.value));
      }}
    />
  );
}

/**
 * A figure's Form.Item and box (AmountInput), its value a number or the text as typed that is none, refused at the box
 * (amountRule) before the item's own rules (`validateFirst`: one message at a time). The only way a form takes a figure.
 */
export function AmountItem({
  rules,
  input,
  ...item
}: Omit<FormItemProps, 'children'> & { input?: Omit<AmountInputProps, 'value' | 'onChange'> }) {
  const { lang } = useT();
  return (
    <Form.Item validateFirst {...item} rules={[amountRule(lang), ...(rules ?? [])]}>
      <AmountInput {...input} />
    </Form.Item>
  );
}

/** How often a live page (useLoad's `live`) refreshes while visible, ms. */
export const LIVE_REFRESH_MS = 15_000;

/** The error's message in the user's language (the API's bilingual message when it has one). */
export function useErrorText() {
  const { pick, t } = useT();
  return (e: unknown): string => {
    if (e instanceof ApiError) return pick(e.bilingual);
    return `${t('error')}: ${e instanceof Error ? e.message : String(e)}`;
  };
}

/** Whether asking again may answer otherwise: no answer at all, a server's failure, a timeout or a rate limit. */
export const retryHelps = (error: unknown): boolean =>
  !(error instanceof ApiError) || error.status >= 500 || error.status === 408 || error.status === 429;

export function Loaded<T>(props: {
  state: { data?: T; error?: unknown; loading: boolean; reload(): void };
  empty?: (d: T) => boolean;
  children: (d: T) => ReactNode;
}) {
  const { t } = useT();
  const errText = useErrorText();
  const { data, error, loading, reload } = props.state;
  if (error)
    return (
      <Alert
        type="error"
        showIcon
        title={t('error')}
        description={errText(error)}
        // Retrying helps a failure that passes (no answer, a 5xx, too many requests), not a refusal (trial 57: 重试 beside
        // "只能查看和办理本单位的案件").
        action={retryHelps(error) ? <Button onClick={reload}>{t('retry')}</Button> : undefined}
      />
    );
  if (data === undefined) return <Spin description={t('loading')} style={{ display: 'block', margin: 48 }} />;
  if (props.empty?.(data)) return <Empty description={t('empty')} />;
  return (
    <Spin spinning={loading} description={t('loading')}>
      {props.children(data)}
    </Spin>
  );
}

export { fmtDateTime } from './datetime';

export const STATUS_COLOURS: Record<string, string> = {
  done: '#52c41a',
  awaiting: '#1677ff',
  pending: '#bfbfbf',
  overdue: '#f5222d',
  blocked: '#fa8c16',
  skipped: '#e8e8e8',
  returned: '#722ed1',
  withdrawn: '#8c8c8c',
};

export function label(map: Record<string, Bilingual> | undefined, key: string, pick: (b: Bilingual) => string): string {
  const b = map?.[key];
  // A value the catalog does not name (yet): said so, the code beside, not the bare code inside the text.
  return b ? pick(b) : key ? pick({ zh: `未知取值（${key}）`, en: `Unknown value (${key})` }) : '';
}

/** A case's phase as its process says it (the catalog's phasesByProcess: a card application's 企业申请, not 出访准备). */
export function phaseText(cat: Catalog, phase: string, process: string | undefined, pick: (b: Bilingual) => string): string {
  const own = process ? cat.phasesByProcess?.[process] : undefined;
  return label(own?.[phase] ? own : cat.phases, phase, pick);
}

/** A country by its name in the user's language, the code beside (`美国 (US)`), from the catalog's table. */
export function countryName(cat: Pick<Catalog, 'countries'> | null | undefined, code: string, lang: 'zh' | 'en'): string {
  const c = cat?.countries[code];
  return c ? `${lang === 'zh' ? c.nameZh : c.nameEn} (${code})` : code;
}

/** Solid tag colours dark enough for white text at WCAG AA contrast (Ant Design's light presets are not). */
export const TAG = { red: '#cf1322', green: '#237804', gold: '#874d00', orange: '#ad4e00', blue: '#0958d9', purple: '#531dab' } as const;

/** A unit as the pages name it: its name in the user's language, the code beside (`星海国际贸易有限公司 (trading)`). */
export type UnitName = (code: string) => string;

/** `code` named from `units` (`商务局 (commerce)`); a code not among them as itself. */
export function unitNameOf(units: readonly UnitSummary[] | null | undefined, code: string, lang: 'zh' | 'en'): string {
  const u = units?.find((x) => x.code === code);
  return u ? `${lang === 'zh' ? u.nameZh : u.nameEn} (${code})` : code;
}

// The units' names the app knows, one store for every page: what GET /api/registries/units answered for the
// signed-in grant (FAO roles, the leader, the manager all; a unit's roles their own), fetched once per session token,
// and what other answers carry (the Users page's `units`: the administrator reads no registry).
const known = new Map<string, UnitSummary>();
const listeners = new Set<() => void>();
let knownVersion = 0;
let loadedFor: string | null = null;

/** Adds units' names to the store (an answer that carries them); the pages naming units show them at once. */
export function rememberUnits(units: readonly UnitSummary[]): void {
  let changed = false;
  for (const u of units) {
    const k = known.get(u.code);
    if (k?.nameZh === u.nameZh && k.nameEn === u.nameEn) continue;
    known.set(u.code, { code: u.code, nameZh: u.nameZh, nameEn: u.nameEn });
    changed = true;
  }
  if (!changed) return;
  knownVersion++;
  for (const l of listeners) l();
}

function loadUnits(): void {
  const s = currentSession();
  const token = s?.token ?? null;
  if (token === null || loadedFor === token) return;
  // The administrator reads no registry (403): the Users page's answer names its units (rememberUnits).
  if (s?.user.role === 'admin') return;
  // Another sign-in: its grant reads its own units, not the ones the last one could.
  if (loadedFor !== null) known.clear();
  loadedFor = token;
  api<{ items: UnitSummary[] }>('GET', '/api/registries/units').then(
    (r) => rememberUnits(r.items),
    // Without the names (an error, a role that reads no registry) the pages show the codes; nothing is refused for it.
    () => undefined,
  );
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};

/**
 * Names units for any page: `unitName(code)` → 市商务局 (commerce) once the name is known (the code alone before, and
 * for a unit the grant may not read).
 */
export function useUnitNames(): { unitName: UnitName } {
  const { lang } = useT();
  useSyncExternalStore(subscribe, () => knownVersion);
  useEffect(loadUnits, []);
  return { unitName: (code: string) => unitNameOf([...known.values()], code, lang) };
}

/**
 * A list's column of the day each case is planned back from (the answer's `departureDate`, TARGET_DAY_LABELS): titled
 * by the process when every row of `rows` (the page's whole list, so its tables agree) is of one (出发日期 for trips),
 * else 目标日期 with each row's own word beside its day (trial 60: a whitelist filing's inbox row read 出发日期 over its
 * decision due day). With no rows, by the processes the signed-in role reads (PROCESS_ROLES: 出发日期 for those who
 * read trips; trial 61: the APEC desk's empty groups read 出发日期).
 */
export function targetDayColumn<T extends { process: ProcessKind; departureDate: string }>(
  rows: readonly T[],
  { t, pick }: Pick<ReturnType<typeof useT>, 't' | 'pick'>,
): TableColumnType<T> {
  const processes = new Set(rows.map((r) => r.process));
  const role = currentSession()?.user.role;
  const readsTrips = !role || mayReadProcess(role as Role, 'delegation');
  const only: ProcessKind | undefined =
    processes.size === 1 ? [...processes][0] : processes.size === 0 && readsTrips ? 'delegation' : undefined;
  return {
    title: only ? pick(TARGET_DAY_LABELS[only]) : t('targetDay'),
    dataIndex: 'departureDate',
    render: (day: string, r) =>
      only ? (
        day
      ) : (
        <span data-testid="target-day">
          {day} <Typography.Text type="secondary">{pick(TARGET_DAY_LABELS[r.process])}</Typography.Text>
        </span>
      ),
  };
}

/**
 * Who sent an organizer's step back and why, in one line (an inbox item's `returnedBy`): the returning step with its name,
 * role and officer, then the reason (`B04:US 核实邀请函（外办审核处 zhang）退回：缺邀请函译文`); a public-notice objection as
 * such. Shown on the notice and the inbox row (trial 71: the notice named the step's code only, the row no reason).
 */
export function ReturnedLine({
  by,
  names,
  testId = 'returned-line',
}: {
  by: NonNullable<InboxItem['returnedBy']>;
  /** The inbox answer's actorNames: the officer by name (accountName). */
  names?: Readonly<Record<string, string>>;
  testId?: string;
}) {
  const { t, pick, lang } = useT();
  const who = [
    by.actorRole ? pick(ROLE_NAMES[by.actorRole] ?? { zh: by.actorRole, en: by.actorRole }) : '',
    by.actedBy ? accountName(by.actedBy, names, lang) : '',
  ]
    .filter(Boolean)
    .join(' ');
  const step = `${by.stepKey}${by.name ? ` ${pick(by.name)}` : ''}${who ? (lang === 'zh' ? `（${who}）` : ` (${who})`) : ''}`;
  return (
    <Typography.Text type="secondary" data-testid={testId}>
      {by.stepKey === 'objection' ? t('returnedByObjection') : t('returnedAtStep').replace('{key}', step)}
      {by.comment ? `${lang === 'zh' ? '：' : ': '}${by.comment}` : ''}
    </Typography.Text>
  );
}

/**
 * A link to a case's page: a real link (`href`, so it opens in a new tab, is reached by Tab and read as a link), the
 * page opened in place on a plain click (`onOpen` first: a dialog closing), left to the browser with a modifier key
 * or another button (trial 61: the whitelist filing's 查看案件 had no href; the lists' links opened in place on
 * Ctrl-click).
 */
export function CaseLink({
  caseId,
  children,
  onOpen,
  ...rest
}: { caseId: string; children: ReactNode; onOpen?(): void } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href' | 'onClick'>) {
  const page = `/cases/${caseId}`;
  return (
    <a
      {...rest}
      href={page}
      onClick={(e) => {
        if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        onOpen?.();
        navigate(page);
      }}
    >
      {children}
    </a>
  );
}
