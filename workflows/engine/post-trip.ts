import type { Label, Role } from '@df/domain';

/**
 * After departure the same case goes on (not part of the 53 steps): return registration, each
 * member's passport back in custody, the trip report, the public disclosure of results.
 */
export interface PostTripStep {
  code: string;
  name: Label;
  actor: Role;
  perMember: boolean;
  needs: string[];
  /** Due relative to the day the delegation returned. */
  due: { workingDays: number } | { calendarDays: number };
  /** A second, harder deadline after the first (days past due), e.g. flagging the custodian unit. */
  escalateAfterDays?: number;
}

export const POST_TRIP_STEPS: PostTripStep[] = [
  { code: 'P01', name: { zh: '回国登记', en: 'Return registration' }, actor: 'organizer', perMember: false, needs: [], due: { workingDays: 1 } },
  {
    code: 'P02',
    name: { zh: '护照交回保管（7日内）', en: 'Passport back in custody (within 7 days)' },
    actor: 'passport-officer',
    perMember: true,
    needs: ['P01'],
    due: { calendarDays: 7 },
    escalateAfterDays: 30,
  },
  { code: 'P03', name: { zh: '出访报告（15个工作日内）', en: 'Trip report (within 15 working days)' }, actor: 'organizer', perMember: false, needs: ['P01'], due: { workingDays: 15 } },
  { code: 'P04', name: { zh: '出访成果公开（1个月内）', en: 'Public disclosure of results (within 1 month)' }, actor: 'organizer', perMember: false, needs: ['P03'], due: { calendarDays: 30 } },
];
