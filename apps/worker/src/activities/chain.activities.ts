import { Injectable } from '@nestjs/common';
import { ApplicationFailure } from '@temporalio/common';
import { DataSource } from 'typeorm';
import {
  checkMemberFrequency,
  checkTripRules,
  personKey,
  shanghaiDate,
  STEP_BEHAVIOURS,
  type CaseFacts,
  type TripRecord,
} from '@df/domain';
import type { ChainActivities, EscalationRecord, SystemStepInput, SystemStepResult } from '@df/contracts';

export { personKey };

@Injectable()
export class ChainActivitiesService implements ChainActivities {
  constructor(private readonly db: DataSource) {}

  async runSystemStep(input: SystemStepInput): Promise<SystemStepResult> {
    switch (input.system ?? STEP_BEHAVIOURS[input.code]?.system) {
      case 'annual-plan':
        // No annual outbound plans are registered yet: the check records that the FAO rule review covers it.
        return {
          note: { zh: '未登记年度出访计划，由外办规则审核核对', en: 'No annual outbound plan on file; the FAO rule review covers it' },
        };
      case 'trip-rules':
        return { violations: checkTripRules(input.facts, input.settings?.rules) };
      case 'frequency':
        return { violations: await this.frequency(input) };
      case 'approval-document':
        return { documentNo: await this.issueApprovalDocument(input.caseId, input.at) };
      case undefined:
        throw ApplicationFailure.nonRetryable(`no system work declared for step ${input.code}`, 'UnknownSystemStep');
    }
  }

  private async frequency(input: SystemStepInput) {
    const member = input.facts.members.find((m) => m.id === input.memberId);
    if (!member) throw ApplicationFailure.nonRetryable(`member ${input.memberId} not in the case`, 'UnknownMember');
    const rows: Array<{ departure_date: string; return_date: string; purpose: string; case_id: string }> = await this.db.query(
      `SELECT to_char(departure_date, 'YYYY-MM-DD') AS departure_date, to_char(return_date, 'YYYY-MM-DD') AS return_date, purpose, case_id
         FROM member_trips WHERE person_key = $1 AND case_id <> $2`,
      [personKey(input.facts, member), input.caseId],
    );
    const history: TripRecord[] = rows.map((r) => ({
      memberId: member.id,
      departureDate: r.departure_date,
      returnDate: r.return_date,
      purpose: r.purpose as TripRecord['purpose'],
      caseId: r.case_id,
    }));
    return checkMemberFrequency(member, history, input.facts, input.settings?.rules);
  }

  /** 任务批件 number, one serial per year; a retry of the same case returns the number it already has. */
  private async issueApprovalDocument(caseId: string, at: string): Promise<string> {
    const year = Number(shanghaiDate(at).slice(0, 4));
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [year]);
      await m.query(
        `INSERT INTO approval_documents (case_id, year, serial, document_no, issued_at)
         SELECT $1, $2, s, '外任批〔' || $2 || '〕' || lpad(s::text, 4, '0') || '号', $3
           FROM (SELECT COALESCE(MAX(serial), 0) + 1 AS s FROM approval_documents WHERE year = $2) next
         ON CONFLICT (case_id) DO NOTHING`,
        [caseId, year, at],
      );
      const [row] = (await m.query('SELECT document_no FROM approval_documents WHERE case_id = $1', [caseId])) as Array<{
        document_no: string;
      }>;
      return row.document_no;
    });
  }

  /**
   * Writes nothing: the notification is projected from its event (`step.overdue` / `deficiency.overdue` carry
   * `payload.notification`) in the append transaction, so the notifications table is rebuildable from the
   * event store. Only cases that began before that call it (behind the workflow's `projected-side-records`
   * patch); it stays registered until none of them is open.
   */
  async recordEscalation(_e: EscalationRecord): Promise<void> {}

  /**
   * Writes nothing: the members' trips are projected into member_trips from `case.departed` (payload.trips)
   * in the append transaction. Kept for cases that began before that, like recordEscalation.
   */
  async recordTrips(_input: { caseId: string; facts: CaseFacts }): Promise<void> {}
}
