// A small HTTP client of the API for automated users (Node's fetch, keep-alive connections).
import type { Role } from '@df/domain';

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  get<T = unknown>(path: string, token: string): Promise<Reply<T>> {
    return this.request<T>('GET', path, token);
  }

  post<T = unknown>(path: string, token: string, body: unknown): Promise<Reply<T>> {
    return this.request<T>('POST', path, token, body);
  }

  async login(username: string, password: string): Promise<string> {
    const res = await this.request<{ accessToken: string }>('POST', '/api/auth/login', undefined, { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }
}

/** Roles the API's seeded demo users have (docs/api.md): unit roles in `commerce`, FAO roles in `fao`, the leader in `city`. */
const DEMO_ROLES = {
  organizer: 'commerce',
  'unit-leader': 'commerce',
  personnel: 'commerce',
  secrecy: 'commerce',
  finance: 'commerce',
  'dept-approver': 'commerce',
  'fao-clerk': 'fao',
  'fao-reviewer': 'fao',
  'fao-director': 'fao',
  'passport-officer': 'fao',
  'visa-officer': 'fao',
  manager: 'fao',
  leader: 'city',
} as const satisfies Partial<Record<Role, string>>;

export type DemoRole = keyof typeof DEMO_ROLES;
export type Tokens = Record<DemoRole, string>;
/** The unit of the demo unit roles. */
export const DEMO_UNIT = 'commerce';

/** Signs in one seeded demo user per role. */
export async function signInDemoUsers(api: ApiClient, password: string): Promise<Tokens> {
  const entries = await Promise.all(
    Object.entries(DEMO_ROLES).map(async ([role, unit]) => [role, await api.login(`${role}.${unit}`, password)] as const),
  );
  return Object.fromEntries(entries) as Tokens;
}
