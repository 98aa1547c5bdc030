import { Inject, Injectable } from '@nestjs/common';
import type { ServiceConfig } from '@df/runtime';
import PDFDocument from 'pdfkit';
import { DECISION_KIND_LABELS, type DelegationProgress } from '@df/contracts';
import { countryLabel, processOfVersion, PROCESS_LABELS, PURPOSE_LABELS, RANK_LABELS, ROLE_LABELS } from '@df/domain';
import { RegistriesRepository } from '@df/persistence';
import { API_CONFIG } from '../api.options';
import type { AuthUser } from '../auth/access';
import { UsersService } from '../auth/users.service';
import { accountsNamedIn } from '../common/actor-names';
import { domainError } from '../common/errors';
import { DelegationsService } from '../delegations/delegations.service';
import { cjkFonts, fontRuns } from './cjk-text';

export type DocumentKind = 'approval-document' | 'application-form';

/** Shanghai calendar date of an instant, as 2027年3月15日. */
function zhDate(iso: string | undefined): string {
  if (!iso) return '—';
  const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
  const [y, m, day] = d.split('-').map(Number);
  return `${y}年${m}月${day}日`;
}

const countryName = (code: string): string => countryLabel(code).zh;

/**
 * Who a document names, as people read them: the organizing unit by its registered Chinese name (市商务局; its code
 * while the registry holds none), an officer by display name (林芳; the account while none is known). Trial 83: both
 * documents read 组团单位：commerce, and the officers by account.
 */
export interface DocumentNames {
  unit: string;
  /** The issuing office by its registered Chinese name (市人民政府外事办公室), the approval document's header (trial 85). */
  office: string;
  person(account: string): string;
}

/**
 * The case's documents as PDF, generated on the server from the case's progress (the workflow's query,
 * masked for the caller like every read): the approval document 任务批件 (once B08 has issued it) and the
 * application form 出访申请表. Chinese is set in Noto Sans SC (cjk-text.ts).
 */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly delegations: DelegationsService,
    private readonly registries: RegistriesRepository,
    private readonly users: UsersService,
    @Inject(API_CONFIG) private readonly config: Pick<ServiceConfig, 'officeUnits'>,
  ) {}

  /**
   * @returns the PDF bytes and a file name.
   * @throws CASE_NOT_FOUND / CASE_OUT_OF_SCOPE as GET /api/delegations/:id; ACTION_NOT_ALLOWED (409) for the
   *   approval document before B08 issued it.
   */
  async render(user: AuthUser, caseId: string, kind: DocumentKind, request?: object): Promise<{ pdf: Buffer; filename: string }> {
    // The case detail's read (a case not projected yet included), this request's earlier answer (the scope guard's) reused.
    const p = await this.delegations.get(user, caseId, request);
    // Both documents are the delegation chain's (trial: an APEC card case served an application form, and its approval
    // document was "not issued yet (B08 not done)", a step that process does not have).
    const process = processOfVersion(p.definitionVersion);
    if (process !== 'delegation')
      throw domainError(
        'ACTION_NOT_ALLOWED',
        `“${PROCESS_LABELS[process].zh}”案件没有出访申请表或任务批件`,
        `A case of the ${PROCESS_LABELS[process].en} process has no application form or approval document`,
      );
    if (kind === 'approval-document' && !p.approvalDocumentNo)
      throw domainError(
        'ACTION_NOT_ALLOWED',
        '任务批件尚未印发（B08 未完成）',
        'The approval document has not been issued yet (B08 not done)',
      );
    const accounts = await this.users.displayNames([...accountsNamedIn(p.steps)]);
    const names: DocumentNames = {
      unit: (await this.registries.unit(p.unit))?.nameZh ?? p.unit,
      office: await this.issuingOffice(p),
      person: (account) => accounts[account] ?? account,
    };
    const pdf = await toPdf(
      (w) => (kind === 'approval-document' ? approvalDocument(w, p, names) : applicationForm(w, p, names)),
      kind === 'approval-document' ? `任务批件 ${p.approvalDocumentNo}` : `出访申请表 ${p.title}`,
    );
    return { pdf, filename: `${kind}-${caseId}.pdf` };
  }

  /**
   * The office that issues the case's approval document, by its registered Chinese name: the unit the FAO director who
   * reviewed it (B06) holds that role at, else the first of the office's own units (config OFFICE_UNITS); 外事办公室
   * while the registry names neither (trial 85: every document's header read 外事办公室, not the office's name).
   */
  private async issuingOffice(p: DelegationProgress): Promise<string> {
    const b06 = decided(p, 'B06');
    const director = b06?.actedBy ? await this.users.findByUsername(b06.actedBy) : null;
    const granted = director?.grants.find((g) => g.role === b06?.actedByRole)?.unit;
    for (const code of [granted, this.config.officeUnits[0]]) {
      const unit = code ? await this.registries.unit(code) : null;
      if (unit) return unit.nameZh;
    }
    return '外事办公室';
  }
}

/** A small writer over PDFKit that sets every string through the CJK font runs. */
export interface Writer {
  text(s: string, opts?: { size?: number; align?: 'left' | 'center' | 'right'; gap?: number }): void;
  field(label: string, value: string): void;
  rule(): void;
}

/** A PDF drawn by `draw`, every string set in the CJK font (cjk-text.ts). Exported for the font's own test. */
export async function toPdf(draw: (w: Writer) => void, title: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title, Producer: 'delegation-flow' } });
  const fonts = cjkFonts();
  for (const f of fonts) doc.registerFont(f.name, f.data);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const write = (s: string, size: number, align: 'left' | 'center' | 'right' = 'left') => {
    const runs = fontRuns(s || ' ', fonts);
    runs.forEach((r, i) =>
      doc
        .font(r.font.name)
        .fontSize(size)
        .text(r.text, { align, continued: i < runs.length - 1 }),
    );
  };
  draw({
    text: (s, o = {}) => {
      write(s, o.size ?? 11, o.align);
      if (o.gap) doc.moveDown(o.gap);
    },
    field: (label, value) => write(`${label}：${value}`, 11),
    rule: () => {
      doc.moveDown(0.3);
      doc
        .moveTo(doc.page.margins.left, doc.y)
        .lineTo(doc.page.width - doc.page.margins.right, doc.y)
        .stroke();
      doc.moveDown(0.5);
    },
  });
  doc.end();
  return done;
}

const decided = (p: DelegationProgress, code: string) => p.steps.find((s) => s.code === code && s.status === 'done');

function tripLines(w: Writer, p: DelegationProgress, names: DocumentNames): void {
  const f = p.facts;
  w.field('团组名称', p.title);
  w.field('组团单位', names.unit);
  w.field('出访任务', PURPOSE_LABELS[f.purpose]?.zh ?? f.purpose);
  w.field('出访国家（地区）', f.destinations.map((d) => `${countryName(d.country)}（${d.city}）`).join('、'));
  w.field('出访日期', `${zhDate(f.departureDate)}至${zhDate(f.returnDate)}`);
  w.field('团组人数', `${f.members.length}人`);
}

function memberLines(w: Writer, p: DelegationProgress): void {
  w.text('团组成员', { size: 12, gap: 0.2 });
  p.facts.members.forEach((m, i) => {
    const withdrawn = p.withdrawnMembers.some((x) => x.memberId === m.id) ? '（已撤出）' : '';
    w.text(`${i + 1}. ${m.name}　${m.position}　${RANK_LABELS[m.rank]?.zh ?? m.rank}${withdrawn}`);
  });
}

/** The approval document 任务批件, drawn on `w` (exported for its test). */
export function approvalDocument(w: Writer, p: DelegationProgress, names: DocumentNames): void {
  w.text(names.office, { size: 14, align: 'center' });
  w.text('因公出国（境）任务批件', { size: 20, align: 'center', gap: 0.3 });
  w.text(p.approvalDocumentNo ?? '', { size: 11, align: 'center' });
  w.rule();
  tripLines(w, p, names);
  w.rule();
  memberLines(w, p);
  w.rule();
  const b07 = decided(p, 'B07');
  const b06 = decided(p, 'B06');
  w.field('审批意见', b07?.comment ? `同意。${b07.comment}` : '同意');
  w.field('审批', `${ROLE_LABELS.leader.zh}${b07?.actedBy ? `（${names.person(b07.actedBy)}）` : ''}　${zhDate(b07?.doneAt)}`);
  if (b06) w.field('外办主任审核', `${b06.actedBy ? names.person(b06.actedBy) : ''}　${zhDate(b06.doneAt)}`);
  w.field('印发日期', zhDate(decided(p, 'B08')?.doneAt));
  w.text(' ', { gap: 1 });
  w.text('本批件为办理护照、签证及出境手续的依据，团组须按批准的国家、日期和人员执行，不得擅自变更。', { size: 10 });
}

/** The application form 出访申请表, drawn on `w` (exported for its test). */
export function applicationForm(w: Writer, p: DelegationProgress, names: DocumentNames): void {
  w.text('因公出国（境）申请表', { size: 20, align: 'center', gap: 0.3 });
  w.text(`案件编号 ${p.caseId}`, { size: 9, align: 'center' });
  w.rule();
  tripLines(w, p, names);
  w.field('报送时间', zhDate(p.submittedAt));
  w.rule();
  w.text('行程与邀请方', { size: 12, gap: 0.2 });
  p.facts.destinations.forEach((d, i) =>
    w.text(
      `${i + 1}. ${countryName(d.country)} ${d.city}　${zhDate(d.arrive)}至${zhDate(d.leave)}　邀请方：${d.inviter.organization}（${d.inviter.name}）`,
    ),
  );
  w.rule();
  memberLines(w, p);
  w.rule();
  w.text('审核意见', { size: 12, gap: 0.2 });
  for (const code of ['A15', 'A16', 'B02', 'B05', 'B06', 'B07']) {
    const s = decided(p, code);
    if (s)
      w.text(
        `${s.code} ${s.name.zh}：${DECISION_KIND_LABELS[s.decision ?? 'approve'].zh}　${s.actedBy ? names.person(s.actedBy) : ''}${s.onBehalfOf ? `（代 ${names.person(s.onBehalfOf)}）` : ''}　${zhDate(s.doneAt)}`,
      );
  }
}
