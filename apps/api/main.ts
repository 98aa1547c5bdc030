// The API as its own process, against an external PostgreSQL and Temporal (docker/, multi-machine).
import { loadConfig, requireApiSecrets, requireServices, runUntilSignal } from '@df/runtime';
import { bootstrapApi } from './src';

void runUntilSignal('api', async () => {
  const config = requireApiSecrets(requireServices(loadConfig()));
  const app = await bootstrapApi(config);
  console.log(`api: listening on http://${config.host}:${config.port} (OpenAPI: /api/docs)`);
  return { stop: () => app.close() };
});
