/**
 * The one place that loads an engine (their names are ENGINE_NAMES in src/errors.ts; the Record below must cover
 * each). Each is imported only when it runs, so `dbx --help` and `dbx kv …` never pay for mysql2 or mongodb.
 */
import type { EngineModule, EngineName } from './engine.js';

const loaders: Record<EngineName, () => Promise<EngineModule>> = {
  sql: () => import('./mysql/mysql-engine.js'),
  kv: () => import('./redis/redis-engine.js'),
  doc: () => import('./mongo/mongo-engine.js'),
};

export function loadEngine(name: EngineName): Promise<EngineModule> {
  return loaders[name]();
}
