// The anchor of `dbx doc "db.x.findOne()"` in bench/compare.mjs: a bare Node script, the mongodb driver's connect +
// findOne + close.   node bench/bare/doc-findone.mjs mongodb://host:port/db
import { MongoClient } from 'mongodb';

const client = new MongoClient(process.argv[2]);
await client.connect();
const doc = await client.db().collection('x').findOne();
process.stdout.write(`${JSON.stringify(doc)}\n`);
await client.close();
