/**
 * Commands → RESP request bytes. A whole pipeline is encoded into one write: for text-only commands that is a
 * single string (V8 concatenation is cheaper than allocating a Buffer per argument), otherwise a Buffer.
 */
import type { Arg } from './resp-types.js';

export function encodeCommand(args: readonly Arg[]): string | Buffer {
  return encodeCommands([args]);
}

export function encodeCommands(cmds: readonly (readonly Arg[])[]): string | Buffer {
  let binary = false;
  outer: for (const args of cmds) {
    for (const a of args) {
      if (typeof a !== 'string') {
        binary = true;
        break outer;
      }
    }
  }
  return binary ? encodeBinary(cmds) : encodeText(cmds as readonly (readonly string[])[]);
}

function encodeText(cmds: readonly (readonly string[])[]): string {
  let out = '';
  for (const args of cmds) {
    out += `*${args.length}\r\n`;
    for (const a of args) out += `$${utf8Length(a)}\r\n${a}\r\n`;
  }
  return out;
}

function encodeBinary(cmds: readonly (readonly Arg[])[]): Buffer {
  const parts: Buffer[] = [];
  for (const args of cmds) {
    parts.push(Buffer.from(`*${args.length}\r\n`));
    for (const a of args) {
      const bytes = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
      parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
    }
  }
  return Buffer.concat(parts);
}

const CRLF = Buffer.from('\r\n');

/** Buffer.byteLength is a call into C++; short ASCII words (most of them) are cheaper to check here */
function utf8Length(s: string): number {
  if (s.length > 64) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}
