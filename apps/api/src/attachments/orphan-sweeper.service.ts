import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AttachmentsRepository } from '@df/persistence';
import type { ServiceConfig } from '@df/runtime';
import { API_CONFIG } from '../api.options';
import { JsonLogger } from '../common/json-logger';
import { ATTACHMENT_STORE, type AttachmentStore } from './storage';

/** The keys the upload makes (attachments.service.ts): `cases/<caseId>/<attachment id>-<first 16 hex of the SHA-256>`. */
const KEY_RE = /^cases\/[A-Za-z0-9_-]{1,64}\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-[0-9a-f]{16}$/;
/** The first sweep waits this long after start, so a restart storm does not list the store at once. */
const FIRST_SWEEP_DELAY_MS = 60_000;

export interface SweepResult {
  /** Files looked at (keys in the upload's shape). */
  scanned: number;
  /** Orphans deleted: no live row names them and they are older than the grace. */
  deleted: string[];
  /** Orphans younger than the grace, kept for a later sweep. */
  young: number;
}

/**
 * Deletes attachment files no live `case_attachments` row names (docs/attachments.md "Orphan sweep"): an upload
 * whose `attach` Update answered 503 and was never retried, a removal whose file delete failed. Only files older
 * than ATTACHMENT_ORPHAN_GRACE_SECONDS go, so an upload between its file write and its row (seconds) is never
 * touched, and a retry after the sweep writes the same bytes under the same key again. Keys in another shape are
 * left alone. Runs in every API process every ATTACHMENT_SWEEP_INTERVAL_SECONDS: sweeps racing each other delete
 * the same files, which is harmless.
 */
@Injectable()
export class AttachmentOrphanSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(API_CONFIG) private readonly config: ServiceConfig,
    @Inject(ATTACHMENT_STORE) private readonly store: AttachmentStore,
    private readonly attachments: AttachmentsRepository,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.attachmentSweepIntervalSeconds * 1000;
    if (every === 0) return;
    const tick = () => {
      this.running = this.sweep()
        .then((r) => {
          if (r.deleted.length > 0) this.logger.event('log', 'attachment orphans deleted', { count: r.deleted.length, keys: r.deleted });
        })
        .catch((err: unknown) => this.logger.event('warn', 'attachment orphan sweep failed', { error: String(err) }))
        .finally(() => {
          this.timer = setTimeout(tick, every).unref();
        });
    };
    this.timer = setTimeout(tick, Math.min(FIRST_SWEEP_DELAY_MS, every)).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
    clearTimeout(this.timer);
  }

  /** One pass over the store at `nowMs` (epoch ms). Throws when the store or the database cannot be read. */
  async sweep(nowMs = Date.now()): Promise<SweepResult> {
    const cutoff = nowMs - this.config.attachmentOrphanGraceSeconds * 1000;
    const result: SweepResult = { scanned: 0, deleted: [], young: 0 };
    for await (const page of this.store.list('cases/')) {
      const ours = page.flatMap((o) => {
        const id = KEY_RE.exec(o.key)?.[1];
        return id ? [{ ...o, id }] : [];
      });
      result.scanned += ours.length;
      const live = await this.attachments.liveStorageKeys(ours.map((o) => o.id));
      for (const o of ours) {
        if (live.has(o.key)) continue;
        if (o.modifiedAt.getTime() > cutoff) {
          result.young++;
          continue;
        }
        await this.store.delete(o.key);
        result.deleted.push(o.key);
      }
    }
    return result;
  }
}
