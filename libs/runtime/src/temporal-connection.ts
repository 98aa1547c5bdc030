import { readFileSync } from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import type { AppConfig } from './config';
import { AesGcmPayloadCodec, resolvePayloadKeys } from './payload-codec';

/** What both `Connection.connect` (client) and `NativeConnection.connect` (worker) accept. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  apiKey?: string;
}

/**
 * The one place building Temporal connection options for every client and worker of the app: plain TCP,
 * TLS (CA from TEMPORAL_TLS_CA_FILE or the system's; TEMPORAL_TLS_SERVER_NAME overrides the checked name),
 * mutual TLS (TEMPORAL_TLS_CERT_FILE + TEMPORAL_TLS_KEY_FILE) or an API key (Temporal Cloud, always over TLS).
 * Files are read here, at connect time, so rotated certificates are picked up on restart.
 */
export function temporalConnectionOptions(
  config: Pick<AppConfig, 'temporalTls' | 'temporalApiKey'> & { temporalAddress: string },
): TemporalConnectionOptions {
  const { temporalTls: tls, temporalApiKey: apiKey } = config;
  const options: TemporalConnectionOptions = { address: config.temporalAddress };
  if (tls || apiKey) {
    options.tls = {
      ...(tls?.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(tls?.caFile ? { serverRootCACertificate: readFileSync(tls.caFile) } : {}),
      ...(tls?.certFile && tls.keyFile ? { clientCertPair: { crt: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } } : {}),
    };
  }
  if (apiKey) options.apiKey = apiKey;
  return options;
}

/**
 * The failure converter module (a path: workflow bundles load it by path). Bundle the workflow code with
 * `failureConverterPath: FAILURE_CONVERTER_PATH` so failures raised in workflows are encrypted too.
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter of every client and worker: payloads encrypted with AES-256-GCM under the newest
 * payload key (libs/runtime/src/payload-codec.ts), failure messages and stack traces moved into an
 * encrypted payload. Throws ConfigError when no keys are configured outside development/test.
 */
export function temporalDataConverter(config: Pick<AppConfig, 'payloadKeys' | 'payloadKeysFile' | 'nodeEnv' | 'dataDir'>): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(resolvePayloadKeys(config))], failureConverterPath: FAILURE_CONVERTER_PATH };
}
