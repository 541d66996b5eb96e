"""Runs a command, waits until its standard output shows a line and it has then run on the CPU
for a while, interrupts it (SIGINT, as Ctrl-C would) and prints its output, its standard error and
`EXIT <status>`.

Usage: interrupt_after.py LINE COMMAND [ARGS...]   (an argument @FILE passes FILE's text)

The command must print LINE, then start work that never ends: the signal is sent once the line
is out and the process has used half a second of CPU time since (counted by the kernel, so a
slow or busy machine only waits longer), by which time the endless work is running.
"""
import os
import time
import signal
import subprocess
import sys
import threading

def cpu_seconds(pid):
    """User and system CPU time of the process so far (/proc/PID/stat, fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def argument(a):
    if a.startswith("@"):
        with open(a[1:]) as f:
            return f.read()
    return a


line, command = sys.argv[1], [argument(a) for a in sys.argv[2:]]
proc = subprocess.Popen(command, stdin=sys.stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
err = []
reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))
reader.start()
out = []
for text in proc.stdout:
    out.append(text)
    if text.rstrip("\n") == line:
        start = cpu_seconds(proc.pid)
        deadline = time.monotonic() + 60
        while cpu_seconds(proc.pid) < start + 0.5 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        break
out.append(proc.stdout.read())
proc.wait(timeout=60)
reader.join()
sys.stdout.write("".join(out))
sys.stdout.write("".join(err))
print(f"EXIT {proc.returncode}")
