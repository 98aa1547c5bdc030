// A small HTTP client of the API for automated users (Node's fetch, keep-alive connections).
import { randomBytes, randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Pool } from 'pg';
import type { Role } from '@df/domain';

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** A response's status and JSON body (undefined when empty). */
async function reply<T>(res: Response): Promise<Reply<T>> {
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(
    method: 'GET' | 'POST',
    path: string,
    token?: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return reply<T>(res);
  }

  /** A multipart POST (an attachment's upload): the form's text fields and one file. */
  async upload<T = unknown>(
    path: string,
    token: string,
    fields: Record<string, string>,
    file: { name: string; type: string; bytes: Buffer },
    idempotencyKey: string,
  ): Promise<Reply<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    const headers = { authorization: `Bearer ${token}`, 'idempotency-key': idempotencyKey };
    return reply<T>(await fetch(this.baseUrl + path, { method: 'POST', headers, body: form }));
  }

  get<T = unknown>(path: string, token: string): Promise<Reply<T>> {
    return this.request<T>('GET', path, token);
  }

  post<T = unknown>(path: string, token: string, body: unknown, idempotencyKey?: string): Promise<Reply<T>> {
    return this.request<T>('POST', path, token, body, idempotencyKey);
  }

  /**
   * The API's case-detail reads by source (published answer, query, published after a query timeout), from its
   * `delegation_progress_reads_total` counter on /metrics (answered to the loopback without a token).
   */
  async progressReadSources(): Promise<Record<string, number>> {
    const res = await fetch(this.baseUrl + '/metrics');
    if (res.status !== 200) return {};
    const out: Record<string, number> = {};
    for (const m of (await res.text()).matchAll(/^delegation_progress_reads_total\{[^}]*source="([^"]+)"[^}]*\} (\d+)/gm))
      out[m[1]!] = Number(m[2]);
    return out;
  }

  async login(username: string, password: string): Promise<string> {
    const res = await this.request<{ accessToken: string }>('POST', '/api/auth/login', undefined, { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }
}

/** One user per role the benchmark signs in with: unit roles in the bench unit, FAO roles and the manager in `fao`, the leader in `city`. */
const BENCH_ROLES = {
  organizer: 'unit',
  'unit-leader': 'unit',
  personnel: 'unit',
  secrecy: 'unit',
  finance: 'unit',
  'dept-approver': 'unit',
  'fao-clerk': 'fao',
  'fao-reviewer': 'fao',
  'fao-director': 'fao',
  'passport-officer': 'fao',
  'visa-officer': 'fao',
  manager: 'fao',
  leader: 'city',
} as const satisfies Partial<Record<Role, string>>;

export type BenchRole = keyof typeof BENCH_ROLES;
export type Tokens = Record<BenchRole, string>;
/** The unit of the benchmark's unit roles and of the cases it submits. */
export const BENCH_UNIT = 'bench-commerce';

/**
 * Creates (or resets) the benchmark's own users, `bench.<role>`, with a password of this run, and
 * signs each in. Its own accounts rather than the demo ones: on an external database the demo users'
 * passwords stay as they are.
 */
export async function signInBenchUsers(api: ApiClient, db: Pool): Promise<Tokens> {
  const password = randomBytes(12).toString('hex');
  const hash = await bcrypt.hash(password, 4);
  const entries: Array<readonly [string, string]> = [];
  for (const [role, where] of Object.entries(BENCH_ROLES)) {
    const unit = where === 'unit' ? BENCH_UNIT : where;
    const username = `bench.${role}`;
    await db.query(
      // One role, granted in one unit (users.grants: what a login may act as).
      `INSERT INTO users (id, username, password_hash, role, unit, display_name, demo, grants) VALUES ($1, $2, $3, $4, $5, $6, false, $7)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, unit = EXCLUDED.unit,
         grants = EXCLUDED.grants, updated_at = now()`,
      [randomUUID(), username, hash, role, unit, `基准测试 ${role}`, JSON.stringify([{ role, unit }])],
    );
    entries.push([role, await api.login(username, password)] as const);
  }
  return Object.fromEntries(entries) as Tokens;
}
