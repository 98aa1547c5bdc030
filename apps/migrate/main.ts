// Applies pending migrations to DATABASE_URL and exits (docker/ runs this before the api and worker).
import { runMigrations } from '@df/persistence';
import { ConfigError, loadConfig } from '@df/runtime';

async function main(): Promise<void> {
  const config = loadConfig(process.env, ['DATABASE_URL']);
  const applied = await runMigrations(config.databaseUrl as string);
  console.log(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: schema is up to date');
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `migrate: ${err.message}` : `migrate: ${String(err)}`);
  process.exit(1);
});
