import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CaseEntity } from '@df/persistence';

/**
 * What the API reads of a case's read-model row around a request: its units (scope, masking), its status (a close
 * recorded outside the engine), its definition version (the step rules an action is checked by) and its organizers
 * (separation of duties, checked before a decision is sent).
 */
export type CaseRow = Pick<
  CaseEntity,
  'caseId' | 'unit' | 'supervisingDepartment' | 'status' | 'phase' | 'definitionVersion' | 'organizers'
>;

/**
 * The read model's row of the case a request is about, read once per request: the scope guard, the service
 * (its own scope check, the closed status) and the masking interceptor each asked for it, three primary-key reads
 * per case request (docs/benchmarks.md). Held only as long as the request object is; a failed read is not kept.
 */
@Injectable()
export class CaseRows {
  private readonly perRequest = new WeakMap<object, Map<string, Promise<CaseRow | null>>>();

  constructor(@InjectRepository(CaseEntity) private readonly cases: Repository<CaseEntity>) {}

  /**
   * The row of `caseId` (null: not in the read model, e.g. not projected yet), from this `request`'s earlier read
   * if any (`request` undefined: read now). Rejects as the repository does (PostgreSQL unreachable).
   */
  read(caseId: string, request?: object): Promise<CaseRow | null> {
    if (!request) return this.query(caseId);
    let rows = this.perRequest.get(request);
    if (!rows) this.perRequest.set(request, (rows = new Map()));
    let row = rows.get(caseId);
    if (!row) {
      row = this.query(caseId);
      rows.set(caseId, row);
      row.catch(() => rows.delete(caseId));
    }
    return row;
  }

  private query(caseId: string): Promise<CaseRow | null> {
    return this.cases.findOne({
      where: { caseId },
      select: {
        caseId: true,
        unit: true,
        supervisingDepartment: true,
        status: true,
        phase: true,
        definitionVersion: true,
        organizers: true,
      },
    });
  }
}
