#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal, for tests of the interactive shell (node-pty is not available).

    pty-driver.py [--rows N] [--cols N] [--stdout FILE] [--stderr FILE] -- COMMAND ARG...

Reads JSON lines on stdin: {"send": "text"} types text into the terminal (\x03 is Ctrl-C, \x04 Ctrl-D).
Writes JSON lines on stdout: {"data": "text"} for everything the program prints, then {"exit": code} when it
ends. When stdin closes, the program is killed. --stdout / --stderr send that stream to a file instead of the
terminal (a program whose stdout is piped while stderr is a terminal, or the reverse).
"""
import codecs
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    args = sys.argv[1:]
    rows, cols = 24, 80
    redirect = {}
    while args and args[0] != "--":
        if args[0] == "--rows":
            rows = int(args[1])
        elif args[0] == "--cols":
            cols = int(args[1])
        elif args[0] in ("--stdout", "--stderr"):
            redirect[1 if args[0] == "--stdout" else 2] = args[1]
        else:
            sys.exit("unknown option " + args[0])
        args = args[2:]
    command = args[1:]
    if not command:
        sys.exit("usage: pty-driver.py [--rows N] [--cols N] [--stdout FILE] [--stderr FILE] -- COMMAND ARG...")

    pid, fd = pty.fork()
    if pid == 0:
        # the size is set before the program starts, so it never sees 0x0
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        for target, path in redirect.items():
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), target)
        os.execvp(command[0], command)

    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = b""
    stdin_open = True
    while True:
        watch = [fd] + ([0] if stdin_open else [])
        ready, _, _ = select.select(watch, [], [], 0.2)
        if fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the program and everything it started have closed the terminal
                data = b""
            if not data:
                break
            emit({"data": decoder.decode(data)})
        if 0 in ready:
            chunk = os.read(0, 65536)
            if not chunk:
                stdin_open = False
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                continue
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    message = json.loads(line)
                    if "send" in message:
                        os.write(fd, message["send"].encode("utf-8"))

    _, status = os.waitpid(pid, 0)
    emit({"exit": os.waitstatus_to_exitcode(status)})


if __name__ == "__main__":
    main()
