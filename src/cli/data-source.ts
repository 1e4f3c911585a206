import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../core/database/data-source-options';

/** For the TypeORM CLI (`npm run migration:generate`): the owner connection. */
const url = process.env.DATABASE_OWNER_URL;
if (!url) throw new Error('DATABASE_OWNER_URL: is required for migration:generate');
export default new DataSource(dataSourceOptions(url, 1, 'grant-commons-cli'));
