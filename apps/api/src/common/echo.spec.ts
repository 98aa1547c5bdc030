import { ECHO_MAX, echo } from './echo';

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
