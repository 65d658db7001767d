"""The process between chainrule check and the learner's code: limits, and nothing left behind.

Run by ``sandbox.py`` as ``python -S supervisor.py CONFIG WORKER-COMMAND...`` in a new session, it

1. makes itself a *child subreaper* (Linux ``prctl(PR_SET_CHILD_SUBREAPER)``): any process the learner's code
   starts, even one that double-forks and calls ``setsid()`` to escape its process group, stays a descendant;
2. sets the limits the learner's process inherits: address space (``RLIMIT_AS``), CPU seconds (a backstop to
   the wall-clock limit the parent keeps), size of files it writes, no core dumps;
3. starts the worker and waits until it ends, the parent closes the lifeline pipe (the check is over, or the
   parent died), or the parent asks it to stop (SIGTERM);
4. then kills every descendant (SIGKILL, repeated until none is left) and reaps them.

Its exit code is the worker's (128 + N if a signal N ended it), or 200 if the worker was still running and was
stopped. Standard library only, so it starts in milliseconds.
"""
import ctypes
import json
import os
import resource
import select
import signal
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
STOPPED = 200


def _subreaper():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _limit(which, value):
    if value is None or not hasattr(resource, which):
        return
    kind = getattr(resource, which)
    try:
        soft, hard = resource.getrlimit(kind)
        value = int(value)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value if which != "RLIMIT_CPU" else value + 1))
    except (ValueError, OSError):
        pass


def _descendants(root):
    """Every process below ``root``, parents before children (from the ppid of each process in /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat.rsplit(b")", 1)[-1].split()
        if len(fields) > 2:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_everything(worker, deadline=3.0):
    """SIGKILL every descendant, again and again (orphans are re-parented to us), until none is left.
    Without /proc (not Linux) only the worker itself can be found."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = _descendants(os.getpid()) if os.path.isdir("/proc") else [worker]
        if not found:
            _reap()
            return
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.002)
        _reap()
        if not os.path.isdir("/proc"):
            return


def main(argv):
    config = json.loads(argv[1])
    command = argv[2:]
    lifeline = config["lifeline"]
    _subreaper()
    _limit("RLIMIT_AS", config.get("memory_bytes"))
    _limit("RLIMIT_CPU", config.get("cpu_seconds"))
    _limit("RLIMIT_FSIZE", config.get("file_bytes"))
    _limit("RLIMIT_CORE", 0)

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    stop = []
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    pid = os.fork()
    if pid == 0:
        try:
            os.close(lifeline)
            for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, signal.SIG_DFL)
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a too-large file is an OSError for the learner, not death
            os.execv(command[0], command)
        finally:
            os._exit(127)

    code = None
    while code is None and not stop:
        try:
            ready, _, _ = select.select([lifeline, wake_r], [], [])
        except InterruptedError:
            ready = []
        if wake_r in ready:
            try:
                os.read(wake_r, 512)
            except BlockingIOError:
                pass
        if lifeline in ready and not os.read(lifeline, 1):
            break          # the parent is done with us (or gone)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code
    kill_everything(pid)
    os._exit(STOPPED if code is None else code)


if __name__ == "__main__":
    main(sys.argv)
