// Fills DB.x with N small documents for bench/doc-find.sh (skipped when the count already matches).
//   node bench/doc-fill.mjs URL N
import { MongoClient } from 'mongodb';

const [url, n] = [process.argv[2], Number(process.argv[3] ?? 1_000_000)];
const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
await client.connect();
const coll = client.db().collection('x');
if ((await coll.estimatedDocumentCount()) !== n) {
  await coll.drop().catch(() => false);
  const batch = 10_000;
  const at = new Date('2018-08-15T20:53:20Z');
  for (let start = 0; start < n; start += batch) {
    const docs = [];
    for (let i = start; i < Math.min(n, start + batch); i++) docs.push({ _id: i, name: `name-${i}`, age: i % 100, at });
    await coll.insertMany(docs, { ordered: false });
  }
}
console.log(`${await coll.estimatedDocumentCount()} documents in ${coll.namespace}`);
await client.close();
