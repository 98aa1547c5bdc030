import { ECHO_MAX, echo, echoPath } from './echo';

describe('echo: a client value repeated in a refusal, bounded', () => {
  it('keeps a short value whole', () => {
    expect(echo('Z99')).toBe('Z99');
    expect(echo('k'.repeat(ECHO_MAX))).toBe('k'.repeat(ECHO_MAX));
  });

  it('cuts a long one at 64 characters and marks the cut', () => {
    expect(echo('k'.repeat(5000))).toBe(`${'k'.repeat(64)}…`);
  });

  it('counts code points: an emoji is never cut in half', () => {
    const out = echo('😀'.repeat(100));
    expect(Array.from(out)).toHaveLength(65);
    expect(out).toBe(`${'😀'.repeat(64)}…`);
  });
});

describe('echoPath: a field path built from client keys, bounded segment by segment', () => {
  it("keeps the API's own paths whole and cuts each long segment", () => {
    expect(echoPath('members[1].passport.number')).toBe('members[1].passport.number');
    expect(echoPath(`data.${'k'.repeat(5000)}`)).toBe(`data.${'k'.repeat(64)}…`);
    expect(echoPath(`data.${'k'.repeat(100)}.${'j'.repeat(100)}[2]`)).toBe(`data.${'k'.repeat(64)}….${'j'.repeat(64)}…[2]`);
    // A deep array path is the API's own shape: kept whole.
    const deep = `data.a${'[0]'.repeat(40)}`;
    expect(echoPath(deep)).toBe(deep);
  });
});
