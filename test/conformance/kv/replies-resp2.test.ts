/**
 * Every reply type and shape of the corpus, dbx against redis-cli in its default protocol (RESP2): display, raw
 * (byte for byte), JSON and exit codes. See differential.ts for what is compared how.
 */
import { describeCorpus } from './differential.js';

describeCorpus(2, 'dbx kv vs redis-cli (RESP2)');
