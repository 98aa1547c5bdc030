import { accountsNamedIn } from './actor-names';

describe('accountsNamedIn', () => {
  it('collects the usernames an answer names at any depth, once each, and skips masked or absent ones', () => {
    const answer = {
      steps: [
        { key: 'A07', actedBy: 'fao-director.fao', onBehalfOf: null },
        { key: 'A05', actedBy: 'organizer.commerce', rerunBy: { cause: 'amend', actedBy: 'organizer.commerce', at: 'x' } },
        { key: 'B01', returnedBy: { stepKey: 'B02', actedBy: 'fao-reviewer.fao' }, onBehalfOf: 'organizer.edu' },
      ],
      objections: [{ by: null, text: '异议' }],
      deficiencies: [{ by: 'fao-clerk.fao', resolvedBy: 'organizer.commerce' }],
      events: [{ actorId: 'system', payload: { actedBy: 'leader.city' } }],
      title: 'fao-director.fao is not a key',
    };
    expect([...accountsNamedIn(answer)].sort()).toEqual([
      'fao-clerk.fao',
      'fao-director.fao',
      'fao-reviewer.fao',
      'leader.city',
      'organizer.commerce',
      'organizer.edu',
      'system',
    ]);
    expect([...accountsNamedIn({ steps: [] })]).toEqual([]);
  });
});
