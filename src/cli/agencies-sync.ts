import 'reflect-metadata';
import { AgencyConfigError, loadAgencyConfigs } from '../agencies/agency-config.loader';
import { syncAgencies } from '../agencies/agency-sync';
import { ConfigError, loadConfig } from '../core/config/env';
import { prepareDatabase } from '../core/database/database-bootstrap';
import { createRootLogger } from '../core/logging/logger';
import { runCli } from './run';

/**
 * `npm run agencies:sync`: validate config/agencies/*.yaml (AGENCY_CONFIG_DIR) and make the
 * agencies table match, as the owner role. The server does the same at start; this is for
 * deployments whose API processes do not hold the owner credentials.
 */
runCli('agencies:sync', async () => {
  const config = loadConfig();
  let loaded;
  try {
    loaded = loadAgencyConfigs(config.agencyConfigDir);
  } catch (error) {
    if (error instanceof AgencyConfigError) throw new ConfigError(error.problems);
    throw error;
  }
  const database = await prepareDatabase(config, createRootLogger('warn'));
  try {
    const result = await syncAgencies(database.config.databaseOwnerUrl, loaded);
    const line = (label: string, codes: string[]) =>
      process.stdout.write(`${label}: ${codes.length ? codes.join(', ') : '-'}\n`);
    line('inserted', result.inserted);
    line('updated', result.updated);
    line('deactivated', result.deactivated);
    line('unchanged', result.unchanged);
  } finally {
    await database.stop();
  }
});
