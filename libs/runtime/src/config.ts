import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '@df/contracts';
import { DEFAULT_ATTACHMENT_MAX_BYTES } from '@df/domain';
import { projectRoot } from './project-root';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    })
    .optional();

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Upper bound of JWT_TTL_SECONDS, and of `exp - iat` of any token the API accepts: 24 h. */
export const MAX_JWT_TTL_SECONDS = 24 * 3600;

/** Every environment variable the programs read; the README's configuration table mirrors this. */
const schema = z.object({
  PORT: port(3000),
  // Default by NODE_ENV (loopback outside production), resolved below.
  HOST: z.string().trim().min(1).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
  TEMPORAL_ADDRESS: z
    .string()
    .trim()
    .regex(/^[^\s:/]+:\d{1,5}$/, { message: 'must be host:port' })
    .optional(),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default(DEFAULT_TASK_QUEUE),
  WORKFLOW_BUNDLE_PATH: z.string().trim().min(1).optional(),
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  WORKING_DAY_SECONDS: z.coerce.number().positive().optional(),
  DATA_DIR: z.string().trim().min(1).optional(),
  // PostgreSQL refuses to run as root: the embedded server runs as the `postgres` user (or the caller), which may not
  // bind a privileged port (trial 57: 557 ended in "could not create any TCP/IP sockets", the cause unsaid).
  EMBEDDED_PG_PORT: z.coerce
    .number()
    .int()
    .min(1024, { message: 'must be 1024 or more: the embedded PostgreSQL runs unprivileged and cannot bind a lower port' })
    .max(65535)
    .default(5433),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  // Exact values only: a typo such as `Production` or `prod` must not fall back to development behaviour.
  NODE_ENV: z.enum(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` }).default('development'),
  JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  JWT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(MAX_JWT_TTL_SECONDS)
    .default(8 * 3600),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(100_000).default(100),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  LOGIN_LOCKOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(900),
  // Refusals naming another person's identity (a passport the custody ledger holds for someone else, the rank another
  // open case records) a user may draw from /check, submissions and amendments per window before all three answer
  // 429 (an organizer tested passport numbers one by one).
  IDENTITY_PROBE_MAX: z.coerce.number().int().min(1).max(10_000).default(20),
  IDENTITY_PROBE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(3600),
  LOGIN_THROTTLE_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]{1,40}$/, { message: 'must be 1-40 of a-z 0-9 _ -' })
    .default('login'),
  DEMO_PASSWORD: z.string().min(1).default('demo'),
  // The office's own departments (comma-separated unit codes): what an office role's grant names (rule office-unit).
  OFFICE_UNITS: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?:,[A-Za-z0-9][A-Za-z0-9._-]{0,63}){0,19}$/, {
      message: 'must be 1-20 unit codes (1-64 letters, digits or . _ -) separated by commas',
    })
    .default('fao,city')
    .transform((v) => [...new Set(v.split(',').map((code) => code.toLowerCase()))]),
  SEED_DEMO_USERS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
  // Browsers reach the API and web app over HTTPS (at the API or a TLS proxy in front): the CSP may then ask them to
  // upgrade every request to https (docs/security.md "Content Security Policy"). Unset: plain HTTP works on any host.
  API_HTTPS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(false),
  DASHBOARD_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(100),
  WORKER_HEAP_MB: z.coerce.number().int().min(0).max(65_536).default(384),
  // The Temporal SDK's stack trace query (Web UI "Stack Trace") needs a stack captured at every promise a workflow
  // creates, about a third of a replay's CPU here (docs/benchmarks.md): off unless asked for.
  WORKER_WORKFLOW_STACK_TRACES: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(false),
  RECONCILE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(24 * 3600 * 1000)
    .default(60_000),
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  API_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  API_PROGRESS_SNAPSHOT_MAX_AGE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  API_UPDATE_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  // Payload encryption, Temporal TLS / API key, PostgreSQL TLS (docs/security.md "Key management", docs/deployment.md).
  PAYLOAD_KEYS: z.string().trim().min(1).optional(),
  PAYLOAD_KEYS_FILE: z.string().trim().min(1).optional(),
  CODEC_CORS_ORIGINS: z
    .string()
    .trim()
    .refine((v) => v.split(',').every((o) => /^https?:\/\/[^\s/]+$/.test(o.trim())), {
      message: 'must be a comma-separated list of origins like https://temporal-ui.example.org',
    })
    .optional(),
  TEMPORAL_TLS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
  TEMPORAL_TLS_CERT_FILE: z.string().trim().min(1).optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().trim().min(1).optional(),
  TEMPORAL_TLS_CA_FILE: z.string().trim().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().trim().min(1).optional(),
  TEMPORAL_API_KEY: z.string().trim().min(1).optional(),
  TEMPORAL_API_KEY_FILE: z.string().trim().min(1).optional(),
  DATABASE_SSL: z
    .enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'], {
      message: 'must be disable, prefer, require, verify-ca, verify-full or no-verify',
    })
    .optional(),
  // Attachments (issue 15 item 3, docs/attachments.md): size limit; local disk under DATA_DIR unless S3_BUCKET is set.
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(DEFAULT_ATTACHMENT_MAX_BYTES),
  // Stored files no live attachment row names are deleted once older than the grace (docs/attachments.md).
  ATTACHMENT_ORPHAN_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  ATTACHMENT_SWEEP_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(3600),
  S3_BUCKET: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)' })
    .optional(),
  S3_ENDPOINT: optionalUrl(['http', 'https']),
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().trim().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().trim().min(1).optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
  S3_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9!_.*'()/-]{1,200}$/, { message: "must be a key prefix of safe characters (letters, digits, /!_.*'()-)" })
    .optional(),
});

const SECRET_VARIABLES = new Set([
  'JWT_SECRET',
  'DEMO_PASSWORD',
  'METRICS_TOKEN',
  'PAYLOAD_KEYS',
  'TEMPORAL_API_KEY',
  'S3_SECRET_ACCESS_KEY',
]);

export interface AppConfig {
  port: number;
  host: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Unset: the launcher starts embedded PostgreSQL. */
  databaseUrl?: string;
  /** Unset: the launcher starts the Temporal CLI dev server. */
  temporalAddress?: string;
  temporalNamespace: string;
  taskQueue: string;
  /** Worker: a workflow bundle prebuilt by `npm run build:workflow-bundle` (the image's). Unset: bundled with webpack at start. */
  workflowBundlePath?: string;
  /** Worker: port of the Temporal SDK's Prometheus exporter (GET /metrics on 0.0.0.0:<port>). Unset: no SDK metrics. */
  temporalMetricsPort?: number;
  /** Time scale: one working day lasts this many seconds (pinned into each case at start). Unset: real time. */
  workingDaySeconds?: number;
  dataDir: string;
  embeddedPostgresPort: number;
  temporalPort: number;
  temporalUiPort: number;
  /**
   * NODE_ENV, exactly one of development, test, production (anything else refuses to start).
   * production: the API requires JWT_SECRET, never seeds demo users, and HOST defaults to 0.0.0.0.
   */
  nodeEnv: NodeEnv;
  /**
   * HS256 secret of the API's access tokens. Unset outside production: a random secret generated on first
   * start and kept in DATA_DIR/jwt-secret (mode 0600).
   */
  jwtSecret?: string;
  /** Lifetime of an access token, seconds (60 to 24 h); tokens with a longer `exp - iat` are refused. */
  jwtTtlSeconds: number;
  /** Password of every seeded demo user. */
  demoPassword: string;
  /**
   * The office's own departments, unit codes in lower case (OFFICE_UNITS, default fao and city: the FAO and the
   * government's leadership): the only units an office role (FAO, leader, manager, admin) is granted for.
   */
  officeUnits: readonly string[];
  /** The API seeds the demo users (<role>.<unit>) at start: development and test only (default on there). */
  seedDemoUsers: boolean;
  /**
   * API_HTTPS: browsers reach the API and the web app over HTTPS (TLS at the API's proxy or ingress). Only then does
   * the Content-Security-Policy carry `upgrade-insecure-requests` (helmet's default): over plain HTTP on any host but
   * localhost it turns every same-origin script request into an https one that fails, a blank page. Default false.
   */
  apiHttps: boolean;
  /** Sign-in limits (docs/security.md): failed attempts per (username, client address) pair, per username from
   * every address together, and per client address within `loginLockoutSeconds` before that pair / username /
   * address is refused with 429 for `loginLockoutSeconds`. */
  loginMaxFailuresPerAccountAddress: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerAddress: number;
  loginLockoutSeconds: number;
  /** Prefix of the limiter's keys in `login_limits`: installations (or test API instances) sharing one database
   * but not their budgets use different prefixes; replicas of one API share it. */
  loginThrottleKeyPrefix: string;
  /**
   * Identity probes (docs/security.md): refusals naming another person's identity (rules `passport-holder`,
   * `recorded-rank`) a user may draw from the dry run, submissions and amendments within
   * `identityProbeWindowSeconds`; then all three answer 429 TOO_MANY_ATTEMPTS (Retry-After) until the window ends.
   * Kept beside the sign-in budgets (`login_limits`).
   */
  identityProbeMax: number;
  identityProbeWindowSeconds: number;
  /**
   * How long the managers' board keeps its portfolio analytics (departure percentiles, time per step code,
   * trip outcomes) before recomputing them in the background; 0: on every request.
   */
  dashboardCacheSeconds: number;
  /**
   * Cases a worker keeps in memory between their workflow tasks (the SDK's sticky cache). An evicted case
   * is replayed from its history at its next task. About 0.5 MiB each (docs/benchmarks.md); 0 disables the cache.
   */
  workerMaxCachedWorkflows: number;
  /**
   * V8 heap cap of each of the worker process's threads in MiB (`--max-old-space-size`), set by whoever starts
   * the worker: `npm start`'s launcher and the bench (containers set NODE_OPTIONS themselves). V8 otherwise keeps
   * the heap a burst grew to: 684 MiB RSS with 1,000 open cases uncapped, 477 MiB at 384, for about 8 % fewer
   * decisions a second at 20 concurrent cases (docs/benchmarks.md "Worker memory"). 0: V8's default.
   */
  workerHeapMb: number;
  /** WORKER_WORKFLOW_STACK_TRACES: the SDK's workflow stack trace query answers (the per-promise hook installed). */
  workerWorkflowStackTraces: boolean;
  /**
   * Worker: how often the reconciler asks Temporal's visibility for delegation workflows closed outside the
   * engine (terminated, failed, timed out, cancelled) and closes their cases in the read model, ms (1 s to 24 h).
   */
  reconcileIntervalMs: number;
  /** Bearer token /metrics requires. Unset: /metrics answers only requests from the loopback interface. */
  metricsToken?: string;
  /** How long the API waits for a workflow query (case detail) before answering 503. */
  apiQueryTimeoutMs: number;
  /**
   * The case page serves the workflow's last published progress answer (case_progress) while it is current
   * (no event stored since) and at most this old (ms, real time); older, it asks the workflow. 0: always ask.
   */
  apiProgressSnapshotMaxAgeMs: number;
  /** How long the API waits for a workflow update before answering 503 (retry with the same Idempotency-Key). */
  apiUpdateTimeoutMs: number;
  /**
   * Payload encryption keys (libs/runtime/src/payload-codec.ts): PAYLOAD_KEYS text (`id:base64,...` or JSON),
   * else the file PAYLOAD_KEYS_FILE; neither: a development key file in DATA_DIR (refused outside development/test).
   */
  payloadKeys?: string;
  payloadKeysFile?: string;
  /** Origins (the Temporal Web UI's) allowed to call the codec endpoint from a browser. Default: the dev server's UI. */
  codecCorsOrigins: string[];
  /** How the client and worker reach Temporal (libs/runtime/src/temporal-connection.ts). */
  temporalTls?: TemporalTlsConfig;
  /** Temporal Cloud API key (TEMPORAL_API_KEY or the content of TEMPORAL_API_KEY_FILE); implies TLS. */
  temporalApiKey?: string;
  /** Where case attachments are kept and how large one may be (docs/attachments.md). */
  attachments: AttachmentsConfig;
  /** A stored file no live attachment row names (an upload never retried after a 503, a removal whose delete
   * failed) is deleted by the API's sweep once older than this, seconds (60 s to 30 days, default 1 day). */
  attachmentOrphanGraceSeconds: number;
  /** How often each API process sweeps, seconds; 0: never (default 3600; the first sweep a minute after start). */
  attachmentSweepIntervalSeconds: number;
}

/** Attachment storage: local disk (DATA_DIR/attachments) by default, S3-compatible object storage when S3_BUCKET is set. */
export interface AttachmentsConfig {
  /** Largest file accepted, bytes (ATTACHMENT_MAX_BYTES, default 10 MiB). */
  maxBytes: number;
  storage: { kind: 'local'; dir: string } | S3StorageConfig;
}

export interface S3StorageConfig {
  kind: 's3';
  bucket: string;
  region: string;
  /** MinIO or another S3-compatible server; unset: AWS. */
  endpoint?: string;
  /** Static credentials (both or neither); neither: the SDK's default chain (instance role, env, profile). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Path-style URLs (MinIO needs them); default on with an endpoint, off for AWS. */
  forcePathStyle: boolean;
  /** Key prefix inside the bucket, e.g. `delegation-flow/` (default none). */
  prefix: string;
}

/** TLS to Temporal: server-verified with the CA (or the system's), mutual when a client certificate and key are given. */
export interface TemporalTlsConfig {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  serverName?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment once. `required` names variables a program cannot run without
 * (the API and worker need DATABASE_URL and TEMPORAL_ADDRESS; the launcher provides them itself).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, required: Array<keyof z.input<typeof schema>> = []): AppConfig {
  // Empty strings count as unset, as in most .env tooling.
  const raw = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      // Secrets are named, never echoed.
      const got = SECRET_VARIABLES.has(name) ? '(hidden)' : JSON.stringify(raw[name]);
      problems.push(`${name}: ${issue.message} (got ${got})`);
    }
  }
  for (const name of required) {
    if (raw[name] === undefined) problems.push(`${name}: is required for this program`);
  }
  if (parsed.success && parsed.data.NODE_ENV === 'production' && parsed.data.SEED_DEMO_USERS)
    problems.push('SEED_DEMO_USERS: demo users (shared password) are never seeded when NODE_ENV=production');
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const v = parsed.data;
  const connection = temporalConnectionConfig(v);
  const dataDir = v.DATA_DIR ? (isAbsolute(v.DATA_DIR) ? v.DATA_DIR : join(process.cwd(), v.DATA_DIR)) : join(projectRoot(), '.data');
  return {
    port: v.PORT,
    host: v.HOST ?? (v.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    logLevel: v.LOG_LEVEL,
    databaseUrl: withSslMode(v.DATABASE_URL, v.DATABASE_SSL),
    temporalAddress: v.TEMPORAL_ADDRESS,
    temporalNamespace: v.TEMPORAL_NAMESPACE,
    taskQueue: v.TEMPORAL_TASK_QUEUE,
    workflowBundlePath: v.WORKFLOW_BUNDLE_PATH,
    temporalMetricsPort: v.TEMPORAL_METRICS_PORT,
    workingDaySeconds: v.WORKING_DAY_SECONDS,
    dataDir,
    embeddedPostgresPort: v.EMBEDDED_PG_PORT,
    temporalPort: v.TEMPORAL_PORT,
    temporalUiPort: v.TEMPORAL_UI_PORT,
    nodeEnv: v.NODE_ENV,
    jwtSecret: v.JWT_SECRET,
    jwtTtlSeconds: v.JWT_TTL_SECONDS,
    demoPassword: v.DEMO_PASSWORD,
    officeUnits: v.OFFICE_UNITS,
    seedDemoUsers: v.NODE_ENV !== 'production' && (v.SEED_DEMO_USERS ?? true),
    apiHttps: v.API_HTTPS,
    loginMaxFailuresPerAccountAddress: v.LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS,
    loginMaxFailuresPerAccount: v.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    loginMaxFailuresPerAddress: v.LOGIN_MAX_FAILURES_PER_ADDRESS,
    loginLockoutSeconds: v.LOGIN_LOCKOUT_SECONDS,
    loginThrottleKeyPrefix: v.LOGIN_THROTTLE_KEY_PREFIX,
    identityProbeMax: v.IDENTITY_PROBE_MAX,
    identityProbeWindowSeconds: v.IDENTITY_PROBE_WINDOW_SECONDS,
    dashboardCacheSeconds: v.DASHBOARD_CACHE_SECONDS,
    workerMaxCachedWorkflows: v.WORKER_MAX_CACHED_WORKFLOWS,
    workerHeapMb: v.WORKER_HEAP_MB,
    workerWorkflowStackTraces: v.WORKER_WORKFLOW_STACK_TRACES,
    reconcileIntervalMs: v.RECONCILE_INTERVAL_MS,
    metricsToken: v.METRICS_TOKEN,
    apiQueryTimeoutMs: v.API_QUERY_TIMEOUT_MS,
    apiProgressSnapshotMaxAgeMs: v.API_PROGRESS_SNAPSHOT_MAX_AGE_MS,
    apiUpdateTimeoutMs: v.API_UPDATE_TIMEOUT_MS,
    payloadKeys: v.PAYLOAD_KEYS,
    payloadKeysFile: v.PAYLOAD_KEYS_FILE,
    codecCorsOrigins: v.CODEC_CORS_ORIGINS
      ? v.CODEC_CORS_ORIGINS.split(',').map((o) => o.trim())
      : [`http://localhost:${v.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${v.TEMPORAL_UI_PORT}`],
    ...connection,
    attachments: attachmentsConfig(v, dataDir),
    attachmentOrphanGraceSeconds: v.ATTACHMENT_ORPHAN_GRACE_SECONDS,
    attachmentSweepIntervalSeconds: v.ATTACHMENT_SWEEP_INTERVAL_SECONDS,
  };
}

/** S3 settings only make sense with a bucket; access key id and secret come together. */
function attachmentsConfig(v: ParsedEnv, dataDir: string): AttachmentsConfig {
  const problems: string[] = [];
  const s3Set = (['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX'] as const).filter(
    (k) => v[k] !== undefined,
  );
  if (!v.S3_BUCKET && s3Set.length > 0) problems.push(`S3_BUCKET: is required when ${s3Set.join(', ')} is set`);
  if (!!v.S3_ACCESS_KEY_ID !== !!v.S3_SECRET_ACCESS_KEY)
    problems.push('S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY: set both or neither (neither: the SDK default credential chain)');
  if (problems.length > 0) throw new ConfigError(problems);
  if (!v.S3_BUCKET) return { maxBytes: v.ATTACHMENT_MAX_BYTES, storage: { kind: 'local', dir: join(dataDir, 'attachments') } };
  return {
    maxBytes: v.ATTACHMENT_MAX_BYTES,
    storage: {
      kind: 's3',
      bucket: v.S3_BUCKET,
      region: v.S3_REGION,
      ...(v.S3_ENDPOINT ? { endpoint: v.S3_ENDPOINT } : {}),
      ...(v.S3_ACCESS_KEY_ID && v.S3_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: v.S3_ACCESS_KEY_ID, secretAccessKey: v.S3_SECRET_ACCESS_KEY } }
        : {}),
      forcePathStyle: v.S3_FORCE_PATH_STYLE ?? !!v.S3_ENDPOINT,
      prefix: v.S3_PREFIX ? (v.S3_PREFIX.endsWith('/') ? v.S3_PREFIX : `${v.S3_PREFIX}/`) : '',
    },
  };
}

type ParsedEnv = z.output<typeof schema>;

/** TLS and API-key settings of the Temporal connection; a pair (cert and key) must come together; files must be readable. */
function temporalConnectionConfig(v: ParsedEnv): Pick<AppConfig, 'temporalTls' | 'temporalApiKey'> {
  const problems: string[] = [];
  if (!!v.TEMPORAL_TLS_CERT_FILE !== !!v.TEMPORAL_TLS_KEY_FILE)
    problems.push('TEMPORAL_TLS_CERT_FILE / TEMPORAL_TLS_KEY_FILE: a client certificate needs its key (set both or neither)');
  for (const name of [
    'TEMPORAL_TLS_CERT_FILE',
    'TEMPORAL_TLS_KEY_FILE',
    'TEMPORAL_TLS_CA_FILE',
    'TEMPORAL_API_KEY_FILE',
    'PAYLOAD_KEYS_FILE',
  ] as const) {
    const file = v[name];
    if (file && !readable(file)) problems.push(`${name}: cannot read the file (got ${JSON.stringify(file)})`);
  }
  if (v.TEMPORAL_API_KEY && v.TEMPORAL_API_KEY_FILE) problems.push('TEMPORAL_API_KEY / TEMPORAL_API_KEY_FILE: set one, not both');
  if (v.PAYLOAD_KEYS && v.PAYLOAD_KEYS_FILE) problems.push('PAYLOAD_KEYS / PAYLOAD_KEYS_FILE: set one, not both');
  if (problems.length > 0) throw new ConfigError(problems);
  const apiKey = v.TEMPORAL_API_KEY ?? (v.TEMPORAL_API_KEY_FILE ? readFileSync(v.TEMPORAL_API_KEY_FILE, 'utf8').trim() : undefined);
  const wantsTls = v.TEMPORAL_TLS ?? !!(v.TEMPORAL_TLS_CERT_FILE || v.TEMPORAL_TLS_CA_FILE || v.TEMPORAL_TLS_SERVER_NAME || apiKey);
  return {
    temporalApiKey: apiKey || undefined,
    temporalTls: wantsTls
      ? {
          certFile: v.TEMPORAL_TLS_CERT_FILE,
          keyFile: v.TEMPORAL_TLS_KEY_FILE,
          caFile: v.TEMPORAL_TLS_CA_FILE,
          serverName: v.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined,
  };
}

function readable(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

/** DATABASE_SSL becomes the URL's `sslmode` (node-postgres reads it there); an sslmode already in the URL wins. */
function withSslMode(url: string | undefined, mode: string | undefined): string | undefined {
  if (!url || !mode) return url;
  const parsed = new URL(url);
  if (!parsed.searchParams.has('sslmode')) parsed.searchParams.set('sslmode', mode);
  return parsed.toString();
}

/** Narrows a config whose service addresses are known (after the launcher started them, or from the env). */
export type ServiceConfig = AppConfig & { databaseUrl: string; temporalAddress: string };

export function requireServices(config: AppConfig): ServiceConfig {
  const missing = [!config.databaseUrl && 'DATABASE_URL', !config.temporalAddress && 'TEMPORAL_ADDRESS'].filter(Boolean) as string[];
  if (missing.length > 0) throw new ConfigError(missing.map((m) => `${m}: is required for this program`));
  return config as ServiceConfig;
}

/** The API signs tokens: in production it refuses to start without JWT_SECRET (the worker and migrations never need it). */
export function requireApiSecrets<T extends AppConfig>(config: T): T {
  if (config.nodeEnv === 'production' && !config.jwtSecret) throw new ConfigError(['JWT_SECRET: is required when NODE_ENV=production']);
  return config;
}
