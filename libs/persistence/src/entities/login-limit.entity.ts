import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The sign-in limiter's counters (rate-limiter-flexible's RateLimiterPostgres, shared by every API replica and
 * kept over restarts: docs/security.md). The library reads and writes this table by its own SQL, but for points
 * given back (LoginLimitsRepository.giveBack: never below zero); its shape is the library's (`key`, `points`,
 * `expire`), created here by a migration instead of by the library at runtime.
 */
@Entity({ name: 'login_limits' })
export class LoginLimitEntity {
  /** `<key prefix>-account:<case-folded username>` or `<key prefix>-address:<client address>`. */
  @PrimaryColumn({ name: 'key', type: 'varchar', length: 255 })
  key!: string;

  /** Points consumed in the current window (failures plus attempts in flight). */
  @Column({ name: 'points', type: 'integer', default: 0 })
  points!: number;

  /** When the window or the lock ends, epoch milliseconds; null: never (not used by the limiter). */
  @Column({ name: 'expire', type: 'bigint', nullable: true })
  expire!: string | null;
}
