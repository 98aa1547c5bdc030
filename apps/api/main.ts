// The API as its own process, against an external PostgreSQL and Temporal (docker/, multi-machine).
import { loadConfig, requireApiSecrets, requireServices, runUntilSignal, writeJsonLogLine } from '@df/runtime';
import { bootstrapApi } from './src';

void runUntilSignal(
  'api',
  async () => {
    const config = requireApiSecrets(requireServices(loadConfig()));
    const app = await bootstrapApi(config);
    writeJsonLogLine('api', 'info', { msg: 'listening', url: `http://${config.host}:${config.port}`, openApi: '/api/docs' });
    return { stop: () => app.close() };
  },
  'json',
);
