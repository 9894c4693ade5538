/** The ES module entry point (bin/dbx imports it when the start-up snapshot cannot serve: src/snapshot.ts). */
import { main } from './cli-main.js';

await main(process.argv.slice(2));
