import { exportFileName } from './dashboard-export.service';

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
