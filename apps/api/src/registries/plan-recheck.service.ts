import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { annualPlanChangedSignal, signalCases, type AnnualPlanChange } from '@df/contracts';
import { openCaseIdsDepartingIn, sharePlannedTrips } from '@df/persistence';
import { JsonLogger } from '../common/json-logger';
import { TemporalClientService } from '../temporal/temporal-client.provider';
import { RegistriesService } from './registries.service';

/**
 * When a unit's annual plan for a year changes, its open cases departing in that year run their plan check (A01) again
 * (`annualPlanChanged` signal, CaseEngine.recheckAnnualPlan): the FAO clerk wrote the approved plan or approved a
 * filing (`plan-changed`). The plan's trips are first shared out among them in filing order (sharePlannedTrips). A
 * case that lets go of a planned trip (closed however, or its A01 run again) is the worker's to announce, where the close is stored (`trip-freed`: apps/worker/src/activities/trip-freed.ts). Best
 * effort after the change is stored: a case that could not be told is counted and logged (`failed`), and keeps the
 * outcome it recorded.
 */
@Injectable()
export class AnnualPlanRecheckService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly temporal: TemporalClientService,
    private readonly logger: JsonLogger,
    private readonly registries: RegistriesService,
  ) {}

  onModuleInit(): void {
    this.registries.onAnnualPlanChanged({
      planChanged: (unit, year) => this.recheck(unit, { year, cause: 'plan-changed' }),
    });
  }

  /** Signals the unit's open cases departing in `change.year`; how many were told and not. */
  async recheck(unit: string, change: AnnualPlanChange): Promise<{ signalled: number; failed: number }> {
    // The plan's trips go to the open cases in filing order before their A01s run again (not to whichever runs first);
    // if that fails, each A01 still claims what is free when it runs.
    const shared = await sharePlannedTrips(this.db.manager, unit, change.year).catch((err: unknown) => {
      this.logger.event('warn', 'annual plan trips not shared out in filing order', {
        unit,
        year: change.year,
        error: err instanceof Error ? err.message : String(err),
      });
      return null;
    });
    const ids = shared?.caseIds ?? (await openCaseIdsDepartingIn(this.db.manager, unit, change.year));
    if (ids.length === 0) return { signalled: 0, failed: 0 };
    let failed: number;
    try {
      failed = await signalCases(await this.temporal.client(), ids, annualPlanChangedSignal, change);
    } catch {
      failed = ids.length;
    }
    if (failed > 0)
      this.logger.event('warn', 'annual plan change not delivered to every open case', { unit, ...change, cases: ids.length, failed });
    return { signalled: ids.length - failed, failed };
  }
}
