import type { Member } from '@df/domain';
import { ruleRefusal, type FieldError } from '../common/errors';

/**
 * An amendment's member sent as `{ id }` alone (AmendMemberSchema): the case's member of that id, kept as the case
 * holds them. A web page shows the members masked (a passport number, a person id), so it cannot send them back.
 */
export const isKeptMember = (m: unknown): m is { id: string } =>
  !!m && typeof m === 'object' && Object.keys(m).length === 1 && typeof (m as { id?: unknown }).id === 'string';

/**
 * `members` with each kept member replaced by the case's member of that id (`current`: the workflow's facts).
 * @throws INVALID_REQUEST 422 at `changes.members[i].id`, rule `known-member`, for an id the case has no member under
 */
export function expandKeptMembers(members: readonly unknown[], current: readonly Member[]): unknown[] {
  const errors: FieldError[] = [];
  const out = members.map((m, i) => {
    if (!isKeptMember(m)) return m;
    const held = current.find((c) => c.id === m.id);
    if (!held)
      errors.push({
        field: `changes.members[${i}].id`,
        rule: 'known-member',
        message: {
          zh: `本案没有编号为 ${m.id} 的成员：新成员须以 personId 指明花名册人员，或填写全部信息`,
          en: `The case has no member ${m.id}: name a new member by personId, or give every fact`,
        },
      });
    return held;
  });
  if (errors.length > 0) throw ruleRefusal(errors);
  return out;
}
