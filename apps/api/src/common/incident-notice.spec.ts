import type { CaseIncident } from '@df/contracts';
import { INCIDENT_NOTICE, withIncidentNotice } from './incident-notice';

describe("a case's incident as users see it", () => {
  const incident: CaseIncident = {
    incidentId: 'i-1',
    activity: 'appendCaseEvents',
    errorType: 'EVENT_STORE_REJECTED',
    error: 'new row for relation "case_events" violates check constraint (SQLSTATE 23514)',
    stepKeys: ['A02'],
    openedAt: '2026-03-03T02:00:00.000Z',
  };

  it('keeps when and which steps, adds the bilingual notice, drops the activity, the failure type and its text', () => {
    const shown = withIncidentNotice({ caseId: 'c', incident });
    expect(shown).toEqual({
      caseId: 'c',
      incident: { incidentId: 'i-1', stepKeys: ['A02'], openedAt: '2026-03-03T02:00:00.000Z', notice: INCIDENT_NOTICE },
    });
    expect(JSON.stringify(shown)).not.toMatch(/EVENT_STORE_REJECTED|SQLSTATE|appendCaseEvents/);
  });

  it('says what happened and what to do in both languages', () => {
    expect(INCIDENT_NOTICE.zh).toMatch(/^本案暂停：系统记录失败，已通知运维/);
    expect(INCIDENT_NOTICE.en).toMatch(/^Paused: the system could not record the case; operations have been told/);
  });

  it('leaves a case without an incident as it is', () => {
    expect(withIncidentNotice({ caseId: 'c', incident: null })).toEqual({ caseId: 'c', incident: null });
    const bare: { caseId: string; incident?: CaseIncident | null } = { caseId: 'c' };
    expect(withIncidentNotice(bare)).toEqual({ caseId: 'c' });
  });
});
