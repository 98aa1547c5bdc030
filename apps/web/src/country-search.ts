/**
 * The country picker's search (Ant Design Select's showSearch): the options whose "CODE name" label contains what was
 * typed, the code typed exactly first, then the codes and then the names that begin with it, else the catalogue's
 * order: typing DE puts Germany before Bangladesh, whose English name holds "de" and whose code sorts first.
 */
export function searchRank(label: string, typed: string): number {
  const [code = '', ...name] = label.toLowerCase().split(' ');
  const q = typed.trim().toLowerCase();
  if (code === q) return 0;
  if (code.startsWith(q)) return 1;
  return name.join(' ').startsWith(q) ? 2 : 3;
}

export const COUNTRY_SEARCH = {
  optionFilterProp: 'label',
  filterSort: (a: { label: string }, b: { label: string }, { searchValue }: { searchValue: string }) =>
    searchRank(a.label, searchValue) - searchRank(b.label, searchValue),
};
