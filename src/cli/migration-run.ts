import 'reflect-metadata';
import { loadConfig } from '../core/config/env';
import { prepareDatabase } from '../core/database/database-bootstrap';
import { createRootLogger } from '../core/logging/logger';
import { runCli } from './run';

/** `npm run migration:run`: apply pending migrations (to the embedded database when no DATABASE_URL). */
runCli('migration:run', async () => {
  const config = { ...loadConfig(), migrateOnStart: true };
  const database = await prepareDatabase(config, createRootLogger('info'));
  await database.stop();
});
