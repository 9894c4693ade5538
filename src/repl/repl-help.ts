/**
 * `help` in the shell: what each engine accepts, with the study note's own examples (reference/notes.md).
 * `help WORD` shows only the lines that mention WORD.
 */
import type { EngineName } from '../engines/engine.js';

const SQL = `SQL statements end with ; (or \\G to show the rows vertically). A statement may span lines.
Shell commands (no ; needed):
  help, \\h, ?             this help          exit, quit, \\q, Ctrl-D   leave
  use DB                  switch database    DELIMITER //            end statements with // instead of ;
  clear, \\c               throw away the statement being typed (\\c also at the end of any line of it)
  status, \\s              connection id, server version, user, database, character sets, uptime
  source FILE, \\. FILE    run a script file in this session (errors name the file and line)
  warnings, \\W            show the server's warnings after each statement     nowarning, \\w   stop that
  rehash, \\#              re-read names for Tab completion
  Ctrl-C                  cancel the running statement (KILL QUERY), or clear the line being typed
  A lost connection is re-opened; a statement that had not reached the server is sent again, others are not.
Examples (from the note; each runs on the note's school / student tables):
  show databases;                            create database if not exists db_name;
  use db_name                                show tables;
  create table teacher(id int primary key, name varchar(10) not null);
  desc teacher;                              show create table teacher\\G
  insert into school value(1, 'No.1 High');  insert into school (id, name) value(2, 'No.2 High');
  select * from school order by id desc limit 3,2;
  select d_id, count(*) from student group by d_id having d_id = 1;
  select * from school where id > (select avg(id) from school);
  select * from student inner join student_detail on s_id = de_id;
  update school set name = 'a' where id = 1;     delete from school where id = 2;
  alter table teacher add address varchar(20) after name;     alter table teacher rename to teacher2;
  create user 'test28'@'%' identified by 'qwe123';   grant all on *.* to 'test28'@'%';   flush privileges;
  select user();    select database();`;

const KV = `One Redis command per line, as in redis-cli; quote arguments that hold spaces: set name "Sam Lee".
Shell commands: help [WORD] (this help), exit / quit / Ctrl-D (leave), rehash (re-read command names for Tab).
Ctrl-C cancels a blocked command (BLPOP, WAIT…) or clears the line. select N switches the database.
Examples (from the note):
  string   set name Sam         get name          set name Sam ex 60       mset k1 v1 k2 v2
           set count 0          incr count        incrby count 30          decr count     decrby count 30
           append name Lee      keys *
  list     lpush l1 1 2 3 4 5   rpush l1 6        lrange l1 0 -1           lpop l1        rpop l1
           lrem l1 -1 4         lrem l1 0 4
  hash     hset user name Sam   hget user name    hmset user age 16 sex m  hmget user name age
           hkeys user           hvals user        hlen user                hgetall user
  set      sadd s1 1 2 3        smembers s1       srem s1 5                spop s1        smove s1 s2 1
           sinter s1 s2         sinterstore s3 s1 s2     sunion s1 s2      sdiff s1 s2
           scard s1             srandmember s1
  zset     zadd z1 3 a 4 b 1 c  zrange z1 0 -1    zrevrange z1 0 -1 withscores         zrem z1 a
           zcard z1             zcount z1 1 10    zscore z1 c
  keys     type name            ttl name          expire name 60           del name`;

const DOC = `mongo-shell statements: one per line, or across lines while a bracket is open. Values are parsed, never run.
Shell commands: help [WORD] (this help), exit / quit / Ctrl-D (leave), rehash (re-read collection names for Tab).
Ctrl-C cancels the running statement, or clears the line being typed.
Accepted:
  show dbs | show databases | show collections | use NAME | db | db.version() | db.stats()
  db.dropDatabase()   db.createCollection(NAME)   db.getCollectionNames()   db.getCollection(NAME).…
  db.COLL.insert / insertOne / insertMany / insert_one / insert_many
  db.COLL.find(filter?, projection?) with .sort() .limit() .skip() .count() .toArray() .pretty()
  db.COLL.findOne / find_one / countDocuments / count / distinct / aggregate([…])
  db.COLL.update(filter, update, {multi, upsert}) / updateOne / updateMany / replaceOne
  db.COLL.remove(filter, {justOne}) / deleteOne / deleteMany / createIndex / getIndexes / dropIndex / drop
  db.COLL.findOneAndUpdate / findOneAndReplace / findOneAndDelete / findAndModify({query, update, new}) / bulkWrite([…])
  db.COLL.stats()   db.COLL.find(…).explain()   db.runCommand({ping: 1})   db.adminCommand({listDatabases: 1})
  db.getSiblingDB('other').COLL.find()   .pretty(): documents indented, as mongosh prints them
  values: {a: 1}, 'text', /regex/, ObjectId(), ISODate(), new Date(), NumberInt(), NumberLong(), NumberDecimal(), UUID()
Examples (from the note):
  show dbs          use test          show collections          db.version()          db
  db.createCollection('student')
  db.student.insert({_id: 123, name: 'Sam', age: 16})
  db.student.find()                  db.student.findOne()
  db.student.find({_id: 123}, {name: 1})
  db.student.find({age: {$lt: 100}})
  db.student.update({sex: 1}, {$set: {age: 20}})
  db.student.update({name: 'sam'}, {$set: {age: 20}}, {multi: true})
  db.student.update({name: 'jack'}, {x: 'y'})
  db.student.remove({name: 'sam'}, {justOne: true})
  db.dropDatabase()`;

const TEXT: Record<EngineName, string> = { sql: SQL, kv: KV, doc: DOC };

export function helpText(engine: EngineName, topic?: string): string {
  const text = TEXT[engine];
  if (!topic) return text + '\n';
  const word = new RegExp(`(?<![\\w$])${topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`, 'i');
  const lines = text.split('\n').filter((l) => word.test(l));
  if (lines.length === 0) return `nothing in help mentions "${topic}"\n${text}\n`;
  return lines.join('\n') + '\n';
}
