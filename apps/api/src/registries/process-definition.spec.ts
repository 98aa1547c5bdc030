import { DEFAULT_DEFINITION, DEFINITION_2026_1, upcastDefinition, type ProcessDefinition } from '@df/domain';
import type { RegistriesRepository, StoredProcessVersion, UsersRepository } from '@df/persistence';
import type { DataSource } from 'typeorm';
import { RegistriesService } from './registries.service';

/** A registry holding `stored` and counting its reads of the process versions. */
function serviceWith(stored: Array<Pick<StoredProcessVersion, 'version' | 'definition'>>) {
  let reads = 0;
  const repo = {
    processVersions: async () => {
      reads++;
      return stored;
    },
  } as unknown as RegistriesRepository;
  return {
    service: new RegistriesService(repo, {} as DataSource, {} as UsersRepository, { officeUnits: ['fao', 'city'] }),
    reads: () => reads,
  };
}

describe("RegistriesService.processDefinition: the definition a case runs, by its version (the API's checks of a completion's data)", () => {
  const office: ProcessDefinition = {
    ...structuredClone(DEFAULT_DEFINITION),
    version: 'office-2028.1',
    // The office's trip report is filed at P04 and P03 takes no data: the built-in's P03 schema must not be the check.
    steps: DEFAULT_DEFINITION.steps.map((s) =>
      s.code === 'P03'
        ? { ...s, behaviour: { ...s.behaviour, data: undefined } }
        : s.code === 'P04'
          ? { ...s, behaviour: { ...s.behaviour, data: 'trip-report' } }
          : s,
    ),
  };

  it("an office's published version is its own steps' schemas, read once (a published version never changes)", async () => {
    const { service, reads } = serviceWith([{ version: office.version, definition: office }]);
    const step = async (code: string) =>
      (await service.processDefinition(office.version))?.steps.find((s) => s.code === code)?.behaviour?.data;
    expect(await step('P03')).toBeUndefined();
    expect(await step('P04')).toBe('trip-report');
    expect(reads()).toBe(1);
  });

  it('a built-in version without reading the registry, upcast as the engine reads it; an unknown version is undefined', async () => {
    const { service, reads } = serviceWith([]);
    expect((await service.processDefinition(DEFAULT_DEFINITION.version))?.steps.find((s) => s.code === 'P03')?.behaviour?.data).toBe(
      'trip-report',
    );
    expect(await service.processDefinition(DEFINITION_2026_1.version)).toEqual(upcastDefinition(DEFINITION_2026_1));
    expect(reads()).toBe(0);
    expect(await service.processDefinition('nobody-1.0')).toBeUndefined();
    expect(reads()).toBe(1);
  });
});
