// Entry for the TypeORM CLI only (npm run migration:generate): reads DATABASE_URL.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';

if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL: is required to generate migrations');
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL));
