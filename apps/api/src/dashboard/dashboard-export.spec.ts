import { beijingTime, exportFileName } from './dashboard-export.service';

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
