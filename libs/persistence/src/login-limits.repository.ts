import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The sign-in limiter's table (`login_limits`, LoginLimitEntity) where the library's own calls are not enough:
 * rate-limiter-flexible's `reward()` is an upsert that opens a new window below zero when the key expired or was
 * deleted meanwhile, so a point given back after a success forgot the pair's failures (or after its window ended)
 * became a guess more than the budget.
 */
@Injectable()
export class LoginLimitsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Gives `points` back to each stored key (the library's full key, `<prefix>:<key>`: its `getKey()`) in its current
   * window, never below zero; a key with no current window (expired, deleted, never written) is left as it is.
   * `now`: epoch milliseconds, the windows' clock (the library's `expire` column).
   */
  async giveBack(keys: readonly string[], points: number, now: number = Date.now()): Promise<void> {
    if (keys.length === 0) return;
    await this.dataSource.query(
      `UPDATE login_limits SET points = GREATEST(points - $2, 0)
        WHERE key = ANY($1::varchar[]) AND (expire IS NULL OR expire > $3)`,
      [keys, points, now],
    );
  }
}
