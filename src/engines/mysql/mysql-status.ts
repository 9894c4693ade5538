/**
 * The mysql client's status lines, word for word: the summary after a result set and after a statement that
 * returns none. The writers print them as the Result gives them (src/output/status.ts).
 */

/**
 * The mysql client's elapsed time: "0.00 sec", "1 min 2.50 sec", "2 hours 0 min 1.00 sec"
 * (its nice_time(): days, hours and minutes only when reached, seconds with two decimals; none for `status`'s uptime).
 */
export function formatSeconds(seconds: number, decimals = 2): string {
  let s = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  let text = '';
  const units: Array<[number, string, string]> = [
    [86400, ' day ', ' days '],
    [3600, ' hour ', ' hours '],
  ];
  for (const [size, one, many] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      s -= n * size;
      text += n + (n > 1 ? many : one);
    }
  }
  if (s >= 60) {
    const n = Math.floor(s / 60);
    s -= n * 60;
    text += `${n} min `;
  }
  return `${text}${decimals === 0 ? Math.floor(s) : s.toFixed(decimals)} sec`;
}

/** "1 row in set (0.00 sec)", "3 rows in set (0.01 sec)", "Empty set (0.00 sec)" */
export function rowsInSet(count: number, seconds: number): string {
  const time = `(${formatSeconds(seconds)})`;
  if (count === 0) return `Empty set ${time}`;
  return `${count} ${count === 1 ? 'row' : 'rows'} in set ${time}`;
}

/**
 * "Query OK, 1 row affected (0.01 sec)", "Query OK, 0 rows affected (0.00 sec)".
 * `extra` is mysql's second line ("Records: 3  Duplicates: 0  Warnings: 0", "Rows matched: 1  Changed: 1  Warnings: 0").
 */
export function queryOk(affected: number | bigint, seconds: number, extra?: string): string {
  const rows = affected === 1 || affected === 1n ? 'row' : 'rows';
  const line = `Query OK, ${affected} ${rows} affected (${formatSeconds(seconds)})`;
  return extra ? `${line}\n${extra}` : line;
}
