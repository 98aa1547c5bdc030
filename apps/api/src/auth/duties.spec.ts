import { DEFAULT_DEFINITION } from '@df/domain';
import { dutiesRefusalFor } from './access';

/**
 * The API's pre-check and the inbox ask dutiesRefusalFor: separation of duties as the workflow's Update validator
 * applies it (dutiesRefusal: separationRefusal, then crossRoleRefusal), from the read models.
 */
describe('dutiesRefusalFor (the pre-check and the inbox: what the workflow refuses)', () => {
  const dual = { id: 'dual', role: 'unit-leader' as const };
  const ask = (
    over: Partial<Parameters<typeof dutiesRefusalFor>[1]> = {},
    user: { id: string; role: 'unit-leader' | 'organizer' } = dual,
  ) =>
    dutiesRefusalFor(user, {
      action: 'decide',
      stepKind: 'approval',
      stepKey: 'A15',
      definition: DEFAULT_DEFINITION,
      organizers: ['organizer.x'],
      decisions: [{ stepKey: 'A11:m1', actorId: 'dual', role: 'personnel' }],
      ...over,
    });

  it('the handed input: who decided A11 as personnel may not decide A15, which rests on it, as unit leader', () => {
    expect(ask()).toMatchObject({
      code: 'SELF_APPROVAL',
      message: { en: expect.stringContaining('you decided A11:m1 as Personnel office') },
    });
  });

  it('the same role deciding its own chain, a step not resting on the decision, another person: free', () => {
    expect(ask({ decisions: [{ stepKey: 'A11:m1', actorId: 'dual', role: 'unit-leader' }] })).toBeUndefined();
    expect(ask({ stepKey: 'A10', decisions: [{ stepKey: 'A11:m1', actorId: 'dual', role: 'personnel' }] })).toBeUndefined();
    expect(ask({ decisions: [{ stepKey: 'A11:m1', actorId: 'someone', role: 'personnel' }] })).toBeUndefined();
  });

  it('the submitter deciding (separationRefusal) and acting as organizer after deciding (crossRoleRefusal)', () => {
    expect(ask({ organizers: ['dual'], decisions: [] })?.message.en).toContain('submitted or acted on as its organizer');
    expect(ask({ action: 'complete', stepKind: 'task', stepKey: 'A17' }, { id: 'dual', role: 'organizer' })?.message.en).toContain(
      'may act on it as its organizer',
    );
  });
});
