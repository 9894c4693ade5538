/**
 * Learner help for the note's first line, `mysql -uroot -pqwe123 -hlocalhost -P3306`, typed as dbx options: dbx
 * takes connection settings from a profile or --url, so the hint spells out that URL.
 */
const FLAG = /^-(u|p|h|P)(.*)$/;

/** The --url form of mysql-client flags on the command line, or undefined when there are none. */
export function mysqlFlagsHint(argv: readonly string[]): string | undefined {
  const found: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = FLAG.exec(argv[i]!);
    if (!m) continue;
    found[m[1]!] = m[2] !== '' ? m[2]! : (argv[i + 1] ?? '');
  }
  if (found.u === undefined && found.h === undefined && found.P === undefined) return undefined;
  const user = encodeURIComponent(found.u ?? 'root');
  // the password typed on the command line is not repeated: secrets never appear in dbx's output
  const password = found.p !== undefined ? ':<password>' : '';
  const host = found.h ?? '127.0.0.1';
  const port = found.P ?? '3306';
  return `dbx takes the mysql client's -u -p -h -P as one URL (its -p names a profile): dbx --url mysql://${user}${password}@${host}:${port}/test sql (or put it in a profile: dbx init)`;
}
