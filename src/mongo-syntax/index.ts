/**
 * The mongo-shell statement parser: text in, plain data out. No I/O and no driver: the Mongo engine
 * (src/engines/mongo/) runs what this returns.
 *
 *   splitDocScript(script)            → Statement[]   (text + line of each statement)
 *   parseDocStatement(text, line)     → DocCommand    (show / use / db / call with values already built)
 *   formatParseError(text, err, line) → the statement line and a ^ under the error's column
 *   formatShellValue(value)           → compact mongo-shell text of a value
 *
 * Every rejection is a ParseError (exit 2) with line, column and, for known learner mistakes, a hint.
 */
export { splitDocScript } from './doc-splitter.js';
export { parseDocStatement } from './doc-parser.js';
export type { DocCall, DocChainCall, DocCommand, DocTarget, ShowWhat } from './doc-parser.js';
export { COLLECTION_METHODS, DB_METHODS, closestName, isCollectionMethod, isDbMethod } from './doc-methods.js';
export { VALUE_FUNCTIONS, MAX_NESTING } from './doc-values.js';
export { formatParseError } from './parse-error-format.js';
export { formatShellKey, formatShellString, formatShellValue } from './shell-format.js';
