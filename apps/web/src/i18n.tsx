import { createContext, useContext } from 'react';
import { ROLE_LABELS, USER_ROLES } from '../../../libs/domain/src/roles';
import { codeLabel, DICT, hasLabel, type EnumKind, type LabelKey } from './labels';

export { hasLabel, type EnumKind, type LabelKey };

/** The two languages of the app: Chinese first (the default), English one click away. */
export type Lang = 'zh' | 'en';
export interface Bilingual {
  zh: string;
  en: string;
}

/**
 * The roles a person can hold, named as the API names them (libs/domain/src/roles.ts: USER_ROLES and ROLE_LABELS,
 * one home for the header, the sign-in picker, the Users page and the API's messages).
 */
export const ROLE_NAMES: Record<string, Bilingual> = Object.fromEntries(USER_ROLES.map((r) => [r, ROLE_LABELS[r]]));

export const LangContext = createContext<{ lang: Lang; setLang(l: Lang): void }>({ lang: 'zh', setLang: () => undefined });

/** t(key): the label in the user's language; pick(bilingual): the API's {zh, en} in the user's language; code(prefix, value). */
export function useT() {
  const { lang } = useContext(LangContext);
  const t = (key: LabelKey): string => DICT[key][lang === 'zh' ? 0 : 1];
  const pick = (b: Bilingual | null | undefined): string => (b ? b[lang] : '');
  /** An enum value through its one label table (`code('apecWl_', 'exited')` → 已退出): see codeLabel. */
  const code = (kind: EnumKind, value: string | null | undefined): string => codeLabel(lang, kind, value);
  return { t, pick, code, lang };
}

export const initialLang = (): Lang => (localStorage.getItem('lang') === 'en' ? 'en' : 'zh');
