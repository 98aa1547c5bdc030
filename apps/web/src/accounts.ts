/**
 * An account as pages name it: the person's display name with the username beside (`王主任（fao-director.fao）` /
 * `王主任 (fao-director.fao)`), from an answer's `actorNames` (the API's display name of each account it names); the
 * username alone when the answer names no one for it (`system`, an account since removed). Trial 82: the closure note,
 * the rerun note and the timeline named officers by account only.
 */
export function accountName(id: string, names: Readonly<Record<string, string>> | undefined, lang: 'zh' | 'en'): string {
  const name = names?.[id];
  if (!name || name === id) return id;
  return lang === 'zh' ? `${name}（${id}）` : `${name} (${id})`;
}
