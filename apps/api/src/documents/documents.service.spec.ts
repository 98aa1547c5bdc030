import { randomUUID } from 'node:crypto';
import type { DelegationProgress } from '@df/contracts';
import { DEFAULT_DEFINITION, makeFacts } from '@df/domain';
import { firstTurn } from '../../../../workflows/engine/first-turn';
import { applicationForm, approvalDocument, type DocumentNames, type Writer } from './documents.service';

/** The lines a document draws, as text (a Writer that records instead of drawing). */
function lines(draw: (w: Writer) => void): string[] {
  const out: string[] = [];
  draw({ text: (s) => out.push(s), field: (label, value) => out.push(`${label}：${value}`), rule: () => undefined });
  return out;
}

describe('the documents name the unit and the officers as people read them (trial 83: 组团单位：commerce)', () => {
  const now = Date.parse('2027-01-04T01:00:00Z');
  const facts = makeFacts({ unit: 'commerce', departureDate: '2027-04-12', returnDate: '2027-04-16' });
  facts.destinations = facts.destinations.map((d) => ({ ...d, arrive: '2027-04-12', leave: '2027-04-16' }));
  const input = {
    caseId: randomUUID(),
    facts,
    definition: DEFAULT_DEFINITION,
    submittedBy: { id: 'organizer.commerce', role: 'organizer' as const, unit: 'commerce' },
    submittedAt: new Date(now).toISOString(),
  };
  const { answer } = firstTurn(input, now, randomUUID);
  type Step = DelegationProgress['steps'][number];
  const decided =
    (code: string, actedBy: string, onBehalfOf?: string) =>
    (s: Step): Step =>
      s.code === code
        ? { ...s, status: 'done', decision: 'approve', actedBy, ...(onBehalfOf ? { onBehalfOf } : {}), doneAt: answer.now }
        : s;
  const p: DelegationProgress = {
    ...answer,
    approvalDocumentNo: '外任批〔2027〕0001号',
    steps: answer.steps
      .map(decided('B06', 'fao-director.fao'))
      .map(decided('B07', 'leader.city'))
      .map(decided('A15', 'fao-clerk.fao', 'organizer.commerce')),
  };
  const people: Record<string, string> = { 'fao-director.fao': '林芳', 'leader.city': '王建国', 'organizer.commerce': '李秀英' };
  const names: DocumentNames = { unit: '市商务局', office: '市人民政府外事办公室', person: (account) => people[account] ?? account };

  it('the application form: the unit by name, each decision by the officer, 帮代办 by the principal', () => {
    const form = lines((w) => applicationForm(w, p, names));
    expect(form).toContain('组团单位：市商务局');
    expect(form.find((l) => l.startsWith('A15 '))).toMatch(/fao-clerk\.fao（代 李秀英）/);
    expect(form.find((l) => l.startsWith('B06 '))).toContain('林芳');
    expect(form.join('\n')).not.toMatch(/commerce|fao-director|leader\.city/);
  });

  it('the approval document: the unit by name, the approving leader and the director by name', () => {
    const doc = lines((w) => approvalDocument(w, p, names));
    expect(doc[0]).toBe('市人民政府外事办公室');
    expect(doc).toContain('组团单位：市商务局');
    expect(doc.find((l) => l.startsWith('审批：'))).toMatch(/^审批：审批领导（王建国）/);
    expect(doc.find((l) => l.startsWith('外办主任审核：'))).toMatch(/^外办主任审核：林芳/);
  });
});
