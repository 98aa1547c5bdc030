import type { Lang } from './i18n';

/** Names in a list (members, economies): 、 is Chinese punctuation; English reads ", ". */
export const joinNames = (items: readonly string[], lang: Lang): string => items.join(lang === 'zh' ? '、' : ', ');

/** A trip's stops, each already naming country and city: ； in Chinese, "; " in English. */
export const joinStops = (items: readonly string[], lang: Lang): string => items.join(lang === 'zh' ? '；' : '; ');
