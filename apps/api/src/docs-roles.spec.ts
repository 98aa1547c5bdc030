import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CODEC_ROLES, FAO_ROLES, roleNames, type Role } from '@df/domain';
import { BOARD_ROLES } from './dashboard/dashboard.controller';

/**
 * The docs name a route's roles from the access table, not by hand: every `<!-- roles:NAME -->…<!-- /roles -->`
 * span in docs/*.md must read exactly the English labels of that table (roleNames, ROLE_LABELS), in its order.
 * A failure prints the text to paste.
 */
const TABLES: Record<string, readonly Role[]> = { BOARD_ROLES: BOARD_ROLES as Role[], FAO_ROLES, CODEC_ROLES };
const DOCS = join(__dirname, '../../../docs');

describe('role lists in the docs follow the access tables', () => {
  const spans = readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .flatMap((f) =>
      [...readFileSync(join(DOCS, f), 'utf8').matchAll(/<!-- roles:([A-Z_]+) -->(.*?)<!-- \/roles -->/g)].map((m) => ({
        file: f,
        table: m[1]!,
        text: m[2]!,
      })),
    );

  it('finds the marked lists (the board rows of docs/api.md at least)', () => {
    expect(spans.filter((s) => s.file === 'api.md' && s.table === 'BOARD_ROLES').length).toBeGreaterThanOrEqual(2);
  });

  it('each marked list is its table, the APEC desk on the board included', () => {
    for (const s of spans) expect({ ...s, text: s.text }).toEqual({ ...s, text: roleNames(TABLES[s.table] ?? []).en });
    expect(roleNames(BOARD_ROLES as Role[]).en).toContain('FAO APEC desk');
  });
});
