/**
 * The corpus again on RESP3: `redis-cli -3` against dbx on `redis://…?protocol=3`, display and raw (byte for
 * byte). See differential.ts for what is compared how.
 */
import { describeCorpus } from './differential.js';

describeCorpus(3, 'dbx kv vs redis-cli (RESP3: redis-cli -3 and ?protocol=3)');
