import { beijingTime, byPhaseSheet, exportFileName } from './dashboard-export.service';
import { countsTrips } from './dashboard.service';

describe("the board export's file name", () => {
  it('is the Asia/Shanghai day: 23:30 UTC on 30 November is already 1 December in Beijing', () => {
    expect(exportFileName('csv', Date.parse('2026-11-30T23:30:00Z'))).toBe('board-2026-12-01.csv');
    expect(exportFileName('xlsx', Date.parse('2026-12-31T23:30:00Z'))).toBe('board-2027-01-01.xlsx');
  });
  it('is the same day as UTC after 08:00 Beijing time, and just before midnight there', () => {
    expect(exportFileName('csv', Date.parse('2026-11-30T00:00:00Z'))).toBe('board-2026-11-30.csv');
    expect(exportFileName('csv', Date.parse('2026-11-30T15:59:59Z'))).toBe('board-2026-11-30.csv');
    expect(exportFileName('csv', Date.parse('2026-11-30T16:00:00Z'))).toBe('board-2026-12-01.csv');
  });
});

describe("the export's instants (the Filter sheet's generated / computed at)", () => {
  it('are Beijing wall-clock time: 23:30 UTC is 07:30 the next day', () => {
    expect(beijingTime(Date.parse('2026-11-30T23:30:00Z'))).toBe('2026-12-01 07:30:00 UTC+8');
    expect(beijingTime(Date.parse('2026-11-30T03:04:05.678Z'))).toBe('2026-11-30 11:04:05 UTC+8');
  });
});

describe("the export's by-phase sheet (byPhaseSheet)", () => {
  const counts = {
    byPhase: { prepare: 3, review: 1, passport: 0, visa: 2, depart: 0, 'post-trip': 0, closed: 4 },
    byProcessPhase: { delegation: { prepare: 2, visa: 1, closed: 4 }, 'apec-card': { prepare: 1, review: 1, visa: 1 } },
  };
  it("names each phase in every counted process's words, with a count per process beside the total (trial 72: one column summed them)", () => {
    const sheet = byPhaseSheet(counts, undefined);
    expect(sheet.header).toEqual([
      '阶段 Phase',
      '案件数 Cases',
      '因公出国（境）审护签 Outbound delegation',
      'APEC商务旅行卡申请 APEC business travel card application',
    ]);
    expect(sheet.rows[0]).toEqual(['出访准备 / 企业申请 Preparation / Enterprise application', 3, 2, 1]);
    expect(sheet.rows[3]).toEqual(['签证办理 / 经济体预审 Visa / Pre-clearance by the economies', 2, 1, 1]);
    expect(sheet.rows.at(-1)).toEqual(['已结案 Closed', 4, 4, 0]);
  });
  it("names a phase only in the words of the processes that have it (trial 75: a whitelist filing's 签证办理)", () => {
    const apec = {
      byPhase: { prepare: 2, review: 0, visa: 1, depart: 0, closed: 0 },
      byProcessPhase: { 'apec-card': { prepare: 1, visa: 1 }, 'apec-whitelist': { prepare: 1 } },
    };
    const rows = byPhaseSheet(apec, undefined).rows;
    expect(rows.map((r) => r[0])).toEqual([
      '企业申请 / 企业申报 Enterprise application / Enterprise filing',
      '外办审核 FAO review',
      '经济体预审 Pre-clearance by the economies',
      '制卡与交付 Card issue and handover',
      '已结案 Closed',
    ]);
  });
  it('keeps one count column under a process filter', () => {
    const sheet = byPhaseSheet({ byPhase: { prepare: 1, closed: 0 }, byProcessPhase: { 'apec-card': { prepare: 1 } } }, 'apec-card');
    expect(sheet.header).toEqual(['阶段 Phase', '案件数 Cases']);
    expect(sheet.rows).toEqual([
      ['企业申请 Enterprise application', 1],
      ['已结案 Closed', 0],
    ]);
  });
});

describe("a trip's own figures in the export (countsTrips; trial 73: the APEC filter listed 已出发 and 出访成果)", () => {
  it('only where trips are counted: the delegation filter, or none for a viewer who reads trips', () => {
    expect(countsTrips({})).toBe(true);
    expect(countsTrips({ process: 'delegation' })).toBe(true);
    expect(countsTrips({ process: 'apec-card' })).toBe(false);
    expect(countsTrips({ processes: ['apec-card', 'apec-whitelist'] })).toBe(false);
    expect(countsTrips({ processes: ['delegation', 'apec-card'] })).toBe(true);
  });
});
