"""Runs a command, passes its output through, and fails unless it exits with the given status.

Usage: expect_exit.py STATUS COMMAND [ARGS...]   (lit's `not` only knows zero or non-zero)
"""
import subprocess
import sys

status = int(sys.argv[1])
proc = subprocess.run(sys.argv[2:], stdin=sys.stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sys.stdout.write(proc.stdout.decode("utf-8", "replace"))
if proc.returncode != status:
    sys.stdout.write(f"expect_exit: exit status {proc.returncode}, expected {status}\n")
    sys.exit(1)
