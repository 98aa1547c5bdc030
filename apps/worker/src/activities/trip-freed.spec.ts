import { announceTripFreed, casesFreeingTrips } from './trip-freed';

describe('casesFreeingTrips', () => {
  const event = (streamId: string, type: string, payload: Record<string, unknown>) => ({ streamId, type, payload });

  it('names the cases a batch closed other than completed: a completed trip was made and keeps its planned trip', () => {
    const batch = [
      event('a', 'step.completed', { status: 'withdrawn' }),
      event('b', 'case.closed', { status: 'withdrawn', reason: '活动取消' }),
      event('c', 'case.closed', { status: 'completed', reason: '' }),
      event('d', 'case.closed', { status: 'terminated', reason: 'Temporal' }),
    ];
    expect(casesFreeingTrips(batch)).toEqual(['b', 'd']);
  });
});

describe('announceTripFreed', () => {
  it('sends nothing and reads nothing outside an activity (no client)', async () => {
    const manager = { query: jest.fn(), getRepository: jest.fn() };
    await expect(announceTripFreed(manager as never, 'case-1')).resolves.toBe(0);
    expect(manager.getRepository).not.toHaveBeenCalled();
  });
});
