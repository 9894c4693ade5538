/**
 * The fixed words tab completion offers: SQL keywords and functions, and the mongo-shell methods that the doc
 * engine accepts (CONTRACT.md "doc: the mongo-shell syntax accepted").
 */

export const SQL_KEYWORDS: readonly string[] = [
  'ADD', 'AFTER', 'ALL', 'ALTER', 'AND', 'AS', 'ASC', 'AUTO_INCREMENT', 'AVG', 'BEGIN', 'BETWEEN', 'BIGINT', 'BINARY',
  'BLOB', 'BOOLEAN', 'BY', 'CASCADE', 'CASE', 'CHANGE', 'CHAR', 'CHARACTER', 'CHARSET', 'CHECK', 'COLLATE', 'COLUMN',
  'COLUMNS', 'COMMIT', 'CONCAT', 'CONSTRAINT', 'COUNT', 'CREATE', 'CROSS', 'CURRENT_TIMESTAMP', 'DATABASE',
  'DATABASES', 'DATE', 'DATETIME', 'DECIMAL', 'DEFAULT', 'DELETE', 'DESC', 'DESCRIBE', 'DISTINCT', 'DOUBLE', 'DROP',
  'ELSE', 'END', 'ENGINE', 'ENUM', 'EXISTS', 'EXPLAIN', 'FALSE', 'FIRST', 'FLOAT', 'FLUSH', 'FOREIGN', 'FROM', 'FULL',
  'GRANT', 'GROUP', 'HAVING', 'IDENTIFIED', 'IF', 'IFNULL', 'IN', 'INDEX', 'INNER', 'INSERT', 'INT', 'INTEGER',
  'INTO', 'IS', 'JOIN', 'KEY', 'KEYS', 'KILL', 'LAST_INSERT_ID', 'LEFT', 'LIKE', 'LIMIT', 'LOCK', 'LONGTEXT', 'MAX',
  'MIN', 'MODIFY', 'NOT', 'NOW', 'NULL', 'OFFSET', 'ON', 'OR', 'ORDER', 'OUTER', 'PRIMARY', 'PRIVILEGES',
  'PROCEDURE', 'PROCESSLIST', 'REFERENCES', 'RENAME', 'REPLACE', 'REVOKE', 'RIGHT', 'ROLLBACK', 'ROUND', 'SCHEMA',
  'SELECT', 'SET', 'SHOW', 'SLEEP', 'SMALLINT', 'START', 'STATUS', 'SUM', 'TABLE', 'TABLES', 'TEXT', 'THEN', 'TIME',
  'TIMESTAMP', 'TINYINT', 'TO', 'TRANSACTION', 'TRIGGER', 'TRUE', 'TRUNCATE', 'UNION', 'UNIQUE', 'UNSIGNED',
  'UPDATE', 'USE', 'USER', 'USING', 'VALUE', 'VALUES', 'VARCHAR', 'VARIABLES', 'VIEW', 'WARNINGS', 'WHEN', 'WHERE',
  'WITH',
];

// db and collection methods: the parser's own lists (src/mongo-syntax/doc-methods.ts), so completion offers exactly what runs

export const DOC_CURSOR_METHODS: readonly string[] = ['count', 'limit', 'pretty', 'skip', 'sort', 'toArray'];
