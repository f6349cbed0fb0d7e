"""Reading in a child process: off the caller's thread, in bounded memory, killed at the deadline.

A GDAL call in a thread cannot be interrupted (a /vsicurl/ read pointed at the server itself hung it
for minutes, SIGTERM or not); a process can always be killed. A few warm reader processes (a
ProcessPoolExecutor, started from a forkserver that imported the readers once) wait for files;
each file is read in a fresh child forked by one of them, which the reader kills at the deadline.
Forking there is safe (a pool worker is single-threaded, unlike the server) and cheap: the readers
are imported already, and nothing of the server (threads, database connections) is inherited.

The child runs as the server's user: this bounds time and memory, it is no privilege boundary.
"""

import logging
import math
import os
import pickle
import resource
import select
import signal
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context

from geo.core.errors import InvalidInput, RateLimited, WanggeError
from geo.core.i18n import msg
from geo.core.uploads.limits import Limits

log = logging.getLogger("wangge.uploads")
# Modules holding the readers run here (by name: importing them would be circular), imported once by the forkserver.
PRELOAD = ["geo.territory.boundary_files", "geo.people.rosters.sheets"]
# Files read at once: each is a process busy on a core; beyond this callers are asked to retry.
READERS = max(2, os.cpu_count() or 2)
SLOTS = threading.BoundedSemaphore(READERS)
GRACE_S = 10  # beyond the deadline, for the reader to kill its child and answer
_pools: list[ProcessPoolExecutor] = []
_lock = threading.Lock()


def _pool() -> ProcessPoolExecutor:
    """The warm readers, started on first use (again after a failure)."""
    with _lock:
        if not _pools:
            if "forkserver" in get_all_start_methods():
                context = get_context("forkserver")
                context.set_forkserver_preload(PRELOAD)
            else:
                context = get_context("spawn")
            _pools.append(ProcessPoolExecutor(READERS, mp_context=context, initializer=_leave_with,
                                              initargs=(os.getpid(),)))
        return _pools[0]


def _leave_with(server: int) -> None:
    """In a reader: exit as soon as the process that started it is gone, killed or not (nobody would tell it)."""
    def watch():
        try:
            select.select([os.pidfd_open(server)], [], [])
        except ProcessLookupError:
            pass
        except (AttributeError, OSError):  # no pidfd (not Linux, or before 5.3): look once a second
            while _alive(server):
                time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="wangge-reader-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def close() -> None:
    """Stop the readers (the server's lifespan does on the way out); the next read starts them again."""
    with _lock:
        pools = list(_pools)
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _forget_pool(pool: ProcessPoolExecutor) -> None:
    with _lock:
        if pool in _pools:
            _pools.remove(pool)
    pool.shutdown(wait=False, cancel_futures=True)


def run(fn, *args, name: str, limits: Limits):
    """fn(*args) in a child process under `limits` (seconds, memory); InvalidInput when it overruns or dies."""
    if not SLOTS.acquire(timeout=limits.seconds):
        raise RateLimited(msg("too many files are being read at once; try again shortly"), extra={"retry_after": 5})
    pool = _pool()
    try:
        kind, payload = pool.submit(_supervise, fn, args, name, limits).result(limits.seconds + GRACE_S)
    except (BrokenProcessPool, RuntimeError, OSError, FutureTimeout):  # a dead reader, a pool shut down, no fork
        log.exception("the reader of %s failed", name)
        _forget_pool(pool)
        kind, payload = "died", None
    finally:
        SLOTS.release()
    if kind == "late":
        raise InvalidInput(msg("{path}: reading took longer than {seconds:g} s; nothing was read", path=name,
                               seconds=limits.seconds))
    if kind == "died":
        raise InvalidInput(msg("{path}: cannot be read (the reader stopped with exit code {code})", path=name,
                               code=payload))
    outcome, value = pickle.loads(payload)
    if outcome == "refused":
        cls, detail, problems, extra = value
        raise cls(detail, problems=problems, extra=extra)
    if outcome == "crashed":
        log.error("reading %s failed in the sandbox:\n%s", name, value)
        raise InvalidInput(msg("{path}: cannot be read ({error})", path=name, error="unexpected content"))
    return value


def _supervise(fn, args, name: str, limits: Limits) -> tuple[str, object]:
    """In a reader: fork a child for fn, collect what it sends until the deadline, and leave no child behind."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child(write_end, fn, args, name, limits)
    os.close(write_end)
    data = None
    try:
        data = _collect(read_end, time.monotonic() + limits.seconds)
    finally:
        os.close(read_end)
        status = _reap(pid, patience=0 if data is None else 1)
    if data is None:
        return "late", None
    if not data:
        return "died", os.waitstatus_to_exitcode(status)
    return "done", data


def _reap(pid: int, patience: float) -> int:
    """The child's wait status, once it has exited by itself within `patience` seconds or been killed."""
    give_up = time.monotonic() + patience
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() >= give_up:
            os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        time.sleep(0.005)


def _collect(fd: int, deadline: float) -> bytes | None:
    """Everything written to `fd` until its end, or None at the deadline."""
    chunks = []
    while (left := deadline - time.monotonic()) > 0:
        if select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    return None


def _child(fd: int, fn, args, name: str, limits: Limits) -> None:
    """The forked child: limits on itself, fn, its outcome pickled into `fd`; it never returns."""
    try:
        # SIGALRM's default action ends the process: a backstop should its reader be gone.
        signal.alarm(math.ceil(limits.seconds) + GRACE_S)
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        try:
            outcome = ("ok", fn(*args))
        except WanggeError as exc:
            outcome = ("refused", (type(exc), exc.detail, exc.problems, exc.extra))
        except MemoryError:
            outcome = ("refused", (InvalidInput, msg("{path}: too large to read within {mib} MiB of memory",
                                                     path=name, mib=limits.memory_bytes // 2**20), [], {}))
        except Exception:  # a bug, or a library failing on odd bytes: logged by the parent, no traceback to callers
            outcome = ("crashed", traceback.format_exc())
        try:
            data = pickle.dumps(outcome)
        except Exception:
            data = pickle.dumps(("crashed", traceback.format_exc()))
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)
