import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { calendarChangedSignal, signalCases } from '@df/contracts';
import type { YearSchedule } from '@df/domain';
import { liveCaseIds } from '@df/persistence';
import { JsonLogger } from '../common/json-logger';
import { TemporalClientService } from '../temporal/temporal-client.provider';
import { RegistriesService } from './registries.service';

/**
 * Tells each case (by id) that the office's loaded schedules changed; returns how many could not be reached.
 * The API's CalendarReplanService and the admin CLI's calendar import both send it.
 */
export function signalCalendarChanged(client: Client, caseIds: string[], schedules: YearSchedule[]): Promise<number> {
  return signalCases(client, caseIds, calendarChangedSignal, { schedules });
}

/**
 * When the office loads a holiday schedule, every running case re-plans with it (issue 14 item 5): each
 * workflow gets the loaded schedules by a `calendarChanged` signal and records a `case.replanned` when its
 * forecast moved. New cases get them in their input at submission.
 */
@Injectable()
export class CalendarReplanService implements OnModuleInit {
  constructor(
    private readonly db: DataSource,
    private readonly temporal: TemporalClientService,
    private readonly logger: JsonLogger,
    private readonly registries: RegistriesService,
  ) {}

  onModuleInit(): void {
    this.registries.onScheduleLoaded((schedules) => this.replanLiveCases(schedules));
  }

  /** Signals every open or departed case; returns how many were told and how many could not be (gone, Temporal down). */
  async replanLiveCases(schedules: YearSchedule[]): Promise<{ signalled: number; failed: number }> {
    const ids = await liveCaseIds(this.db.manager);
    if (ids.length === 0) return { signalled: 0, failed: 0 };
    let failed: number;
    try {
      failed = await signalCalendarChanged(await this.temporal.client(), ids, schedules);
    } catch {
      failed = ids.length;
    }
    if (failed > 0) this.logger.event('warn', 'calendar change not delivered to every running case', { cases: ids.length, failed });
    return { signalled: ids.length - failed, failed };
  }
}
