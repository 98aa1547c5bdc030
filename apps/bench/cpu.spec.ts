import { attributeProcesses, cpuMsPer, machineBusySeconds, sampleCpu, type ProcEntry } from './cpu';

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

  it('samples this process and the machine', () => {
    const a = sampleCpu({ workerPids: [process.pid] });
    let x = 0;
    for (let i = 0; i < 3e6; i++) x += Math.sqrt(i);
    const b = sampleCpu({ workerPids: [process.pid] });
    expect(x).toBeGreaterThan(0);
    expect(b.bench).toBeGreaterThan(a.bench);
    expect(b.worker).toBeGreaterThanOrEqual(a.worker);
    expect(b.machine).toBeGreaterThanOrEqual(a.machine);
  });

  it("counts the servers the run started (its descendants), not another run's", () => {
    // stat fields from field 3 (state): fields[1] is the ppid, [11..14] utime, stime, cutime, cstime in ticks
    const proc = (comm: string, ppid: number, ticks: [number, number, number, number]): ProcEntry => {
      const fields = ['S', String(ppid), ...Array.from({ length: 9 }, () => '0'), ...ticks.map(String)];
      return { comm, ppid, fields };
    };
    const procs = new Map<number, ProcEntry>([
      [100, proc('node', 1, [0, 0, 0, 0])], // the bench
      [101, proc('temporal', 100, [300, 100, 0, 0])], // its dev server: 4 s
      [102, proc('postgres', 100, [100, 0, 50, 50])], // its postmaster, with reaped backends: 2 s
      [103, proc('postgres', 102, [50, 50, 0, 0])], // a live backend: 1 s
      [104, proc('node', 100, [200, 0, 0, 0])], // our worker: 2 s
      [105, proc('node', 100, [100, 0, 0, 0])], // our API: 1 s
      [200, proc('temporal', 1, [9999, 0, 0, 0])], // another test run's servers
      [201, proc('postgres', 1, [9999, 0, 0, 0])],
    ]);
    expect(attributeProcesses(procs, 100, { workerPids: [104], apiPid: 105 })).toEqual({ worker: 2, api: 1, temporal: 4, postgres: 3 });
  });
});
