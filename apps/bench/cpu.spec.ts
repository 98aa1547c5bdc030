import { cpuMsPer, machineBusySeconds, sampleCpu } from './cpu';

describe('bench CPU split', () => {
  it('counts busy time from /proc/stat, not idle or iowait', () => {
    // user nice system idle iowait irq softirq steal guest guest_nice, in USER_HZ ticks
    expect(machineBusySeconds('cpu  100 5 50 9000 300 2 3 40 0 0\ncpu0 50 2 25 4500 150 1 1 20 0 0\n')).toBe(2);
    expect(machineBusySeconds('intr 1\n')).toBeNaN();
  });

  it('divides each part by the units of work', () => {
    const before = { worker: 1, api: 2, temporal: 3, postgres: 4, bench: 5, machine: 10 };
    const after = { worker: 3, api: 2.5, temporal: 4, postgres: 4.25, bench: 5.5, machine: 15 };
    expect(cpuMsPer(before, after, 100)).toEqual({ worker: 20, api: 5, temporal: 10, postgres: 2.5, bench: 5, machine: 50 });
    expect(cpuMsPer(before, after, 0).worker).toBe(2000);
  });

  it('samples this process and the machine, and finds no server it did not start', () => {
    const a = sampleCpu({ workerPids: [process.pid] });
    let x = 0;
    for (let i = 0; i < 3e6; i++) x += Math.sqrt(i);
    const b = sampleCpu({ workerPids: [process.pid] });
    expect(x).toBeGreaterThan(0);
    expect(b.bench).toBeGreaterThan(a.bench);
    expect(b.worker).toBeGreaterThanOrEqual(a.worker);
    expect(b.machine).toBeGreaterThanOrEqual(a.machine);
    // jest started no Temporal server or PostgreSQL as its descendants
    expect(b.temporal).toBe(0);
    expect(b.postgres).toBe(0);
  });
});
