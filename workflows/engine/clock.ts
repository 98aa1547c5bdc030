import type { WorkingCalendar } from '@df/domain';

/**
 * Case time. Real time by default; with a time scale (one working day = N seconds, pinned at start)
 * elapsed real time maps onto working time from the submission instant, so plans, due dates and the
 * calendar stay meaningful in demos and end-to-end tests that run a whole case in minutes.
 */
export class CaseClock {
  constructor(
    private readonly calendar: WorkingCalendar,
    /** Case time at which the scaled clock starts (the submission). */
    private readonly origin: number,
    /** Real time at which the scaled clock starts (the workflow start). */
    private readonly realOrigin: number,
    private readonly workingDaySeconds?: number,
  ) {}

  get scaled(): boolean {
    return this.workingDaySeconds !== undefined;
  }

  /** Case time (epoch ms) for a real instant. */
  at(realNow: number): number {
    if (!this.workingDaySeconds) return realNow;
    const elapsedWd = Math.max(0, realNow - this.realOrigin) / (this.workingDaySeconds * 1000);
    if (elapsedWd === 0) return this.origin;
    return this.calendar.addWorkingDays(this.origin, elapsedWd, 'start');
  }

  /** Real milliseconds from a real instant until a case-time instant (0 if it has passed). */
  msUntil(realNow: number, caseTarget: number): number {
    if (!this.workingDaySeconds) return Math.max(0, caseTarget - realNow);
    const wd = this.calendar.workingDaysBetween(this.at(realNow), caseTarget);
    // Off-hours targets (e.g. calendar-day deadlines at midnight) count as the next working moment.
    return Math.max(0, Math.ceil(wd * this.workingDaySeconds * 1000));
  }
}
