import type { StepProgress } from '@df/contracts';
import { isStatedReason } from '@df/domain';
import { yearPolicy, type YearKind } from './year';

describe("the year section's unusual decisions", () => {
  it('state their reasons, as the API requires of a return or a rejection (a bare 不予批准 is refused 422 reason-words)', () => {
    const kinds: YearKind[] = ['return', 'deficiency', 'amendment', 'refusal', 'six-by-three', 'straight'];
    const sent: string[] = [];
    for (const kind of kinds)
      for (const code of ['B02', 'B03', 'B05', 'B06']) {
        const request = yearPolicy(kind)('case-1', { key: code, code, kind: 'approval' } as StepProgress);
        const body = request?.body as { decision?: string; comment?: string } | undefined;
        if (body?.decision === 'reject' || body?.decision === 'return') sent.push(body.comment ?? '');
      }
    expect(sent).toHaveLength(2);
    expect(sent.filter((comment) => !isStatedReason(comment))).toEqual([]);
  });
});
