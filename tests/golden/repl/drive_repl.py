"""Drives the real jitexpr REPL in a tmux terminal and prints the screen as a transcript.

Usage: drive_repl.py JITEXPR WORKDIR

Each step types keys and waits until the screen shows what the step expects (tmux drops the
trailing spaces of a line, so a prompt on the screen is `>>>`): the test is as
fast as the machine and never sleeps on a guess; a step that times out fails with the screen.
The REPL runs under a shell that prints `EXITED <status>` after it, so the exit is on the screen.
Two sessions run one after the other to show that the history file carries lines between them.
"""
import os
import shlex
import subprocess
import sys
import time

jitexpr, workdir = sys.argv[1], sys.argv[2]
os.makedirs(workdir, exist_ok=True)
history = os.path.join(workdir, "history")
if os.path.exists(history):
    os.remove(history)
# A tmux server of our own, never the user's; a fresh one for each session, so that a server still
# shutting down cannot refuse the next one.
sessions = 0


def socket():
    return f"jitexpr-test-{os.getpid()}-{sessions}"


def tmux(*args):
    done = subprocess.run(["tmux", "-L", socket(), *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"drive_repl: tmux {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def screen():
    return tmux("capture-pane", "-p", "-S", "-", "-t", "repl")


def wait_for(text, count=1, timeout=30):
    wait_for_screen(lambda s: s.count(text) >= count, f"{count} x {text!r}", timeout)


def wait_prompt():
    """Waits until the REPL shows a fresh prompt (`>>> ` or `... `): only then is the terminal in
    libedit's raw mode. Keys sent a moment earlier, while the tty is still cooked, are echoed by
    the tty and again by libedit, and a Ctrl-D is an end-of-file that nobody reads."""
    wait_for_screen(lambda s: s.rstrip().endswith((">>>", "...")), "a fresh prompt")


def wait_for_screen(ready, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready(screen()):
            return
        time.sleep(0.05)
    sys.stdout.write(screen())
    sys.exit(f"drive_repl: timed out waiting for {what}")


def repl_cpu_seconds():
    """CPU time the REPL process has used (the pane's shell runs it as its child)."""
    shell = tmux("display-message", "-p", "-t", "repl", "#{pane_pid}").strip()
    with open(f"/proc/{shell}/task/{shell}/children") as f:
        children = f.read().split()
    for pid in children:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if b"jitexpr" in f.read():
                with open(f"/proc/{pid}/stat") as s:
                    fields = s.read().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    sys.exit("drive_repl: no jitexpr process in the pane")


def wait_cpu(seconds, timeout=60):
    """Waits until the REPL has used `seconds` more CPU time: work that never ends is running."""
    start = repl_cpu_seconds()
    deadline = time.monotonic() + timeout
    while repl_cpu_seconds() < start + seconds:
        if time.monotonic() > deadline:
            sys.exit("drive_repl: the REPL is not running anything")
        time.sleep(0.02)


def keys(*k, at_prompt=True):
    """Types keys; by default only once the REPL waits at a prompt (at_prompt=False for keys that
    edit or interrupt what is already there)."""
    if at_prompt:
        wait_prompt()
    tmux("send-keys", "-t", "repl", *k)


def block(*lines):
    """Types the lines of a block, each at its own prompt, then the blank line that ends it. Each
    line waits for the `... ` prompt after the one before: keys typed while the REPL is still
    taking the last line (its tty cooked) would be echoed twice."""
    for line in (*lines, ""):
        shown = screen().count("...")
        keys(*([line] if line else []), "Enter")
        if line:
            wait_for("...", shown + 1)


def start():
    global sessions
    sessions += 1
    env = f"JITEXPR_HISTORY={shlex.quote(history)} JITEXPR_CACHE_DIR={shlex.quote(os.path.join(workdir, 'cache'))}"
    command = f"env {env} {shlex.quote(jitexpr)}; echo EXITED $?; sleep 600"
    tmux("new-session", "-d", "-s", "repl", "-x", "100", "-y", "50", command)
    wait_for(">>>")


def stop():
    subprocess.run(["tmux", "-L", socket(), "kill-server"], capture_output=True)


try:
    start()
    keys("a = arange(5)", "Enter")
    wait_for(">>>", 2)
    keys("a * 2", "Enter")
    wait_for("array([0, 2, 4, 6, 8])")
    # An open bracket continues on the next line under the `... ` prompt.
    keys("b = (a +", "Enter")
    wait_for("...")
    keys("     1)", "Enter")
    wait_for(">>>", 4)
    keys("b", "Enter")
    wait_for("array([1, 2, 3, 4, 5])")
    # Up recalls the last line (`b`).
    keys("Up")
    wait_for(">>> b", 2)
    keys("Enter", at_prompt=False)
    wait_for("array([1, 2, 3, 4, 5])", 2)
    # Ctrl-C drops the line being typed, and a pending continuation with it.
    keys("c = (a +", "Enter")
    wait_for("...", 2)
    keys("garbage")
    wait_for("... garbage")
    keys("C-c", at_prompt=False)
    wait_for("KeyboardInterrupt")
    keys("a + 100", "Enter")
    wait_for("array([100, 101, 102, 103, 104])")
    # A def block goes on until a blank line and reaches the session as one text; then a call.
    block("def f(x):", "    return x * 2")
    wait_for(">>>", 7)
    keys("f(21)", "Enter")
    wait_for("\n42\n")
    # Ctrl-C interrupts a long evaluation between its runs; the session goes on.
    keys("x = random(1000000, seed=1); 7", "Enter")
    wait_for("\n7\n")
    keys("%timeit -n 100000 sum(sin(x))", "Enter")
    wait_for(">>> %timeit")
    time.sleep(0.5)
    keys("C-c", at_prompt=False)
    wait_for("KeyboardInterrupt", 2)
    # Ctrl-C interrupts a kernel whose loop never ends, at the loop's line; the session goes on.
    block("def spin(n):", "    s = 0", "    while n > 0:", "        s += 1", "    return s")
    keys("spin(1)", "Enter")
    wait_for(">>> spin(1)")
    wait_cpu(0.5)  # in the kernel's loop by then (compiling it takes milliseconds)
    keys("C-c", at_prompt=False)
    wait_for("KeyboardInterrupt: interrupted in spin()")
    keys("1 + 1", "Enter")
    wait_for("\n2\n")
    keys("C-d")
    wait_for("EXITED 0")
    first = screen()
    stop()
    # A new session finds the last line in the history file.
    start()
    keys("Up")
    wait_for(">>> 1 + 1")
    keys("Enter", at_prompt=False)
    wait_for("\n2\n")
    keys("C-d")
    wait_for("EXITED 0")
    second = screen()
finally:
    stop()

sys.stdout.write(first.rstrip() + "\n--- second session ---\n" + second.rstrip() + "\n")
