"""What keeps the ``skactive`` command from losing answers: one session at a time,
outputs that never overwrite inputs, and checks made before the first question."""

import csv
import os
import stat
import sys
import tempfile


class UsageError(Exception):
    """A problem with the user's input: reported on one line, exit code 2."""


class SessionLock:
    """``<csv>.lock``, created exclusively and holding the pid of the session.

    A lock whose pid is no longer running (the session was killed) is stale: it is
    removed and taken over.
    """

    def __init__(self, csv_path):
        self.path = os.fspath(csv_path) + ".lock"
        self._held = False

    def __enter__(self):
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                pid = self._owner()
                if pid is not None and _alive(pid):
                    raise UsageError(
                        f"another skactive session (pid {pid}) is working on this CSV; "
                        f"finish it first (or, if no such process exists, delete "
                        f"{self.path})."
                    ) from None
                _remove(self.path)  # stale: its process is gone
                continue
            except OSError as exc:
                raise UsageError(f"cannot create the lock file {self.path}: "
                                 f"{exc.strerror}.") from None
            with os.fdopen(fd, "w") as f:
                f.write(f"{os.getpid()}\n")
            self._held = True
            return self
        raise UsageError(f"another skactive session took {self.path} at the same moment.")

    def _owner(self):
        try:
            with open(self.path) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None  # unreadable or half-written: treated as stale

    def __exit__(self, *exc_info):
        if self._held and self._owner() == os.getpid():
            _remove(self.path)
        self._held = False


def _alive(pid):
    if pid == os.getpid():
        return False
    if os.name == "nt":  # os.kill would terminate the process there
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return True


def _alive_windows(pid):
    import ctypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    try:
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
    finally:
        kernel32.CloseHandle(handle)
    return code.value == 259  # STILL_ACTIVE


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _read_only(path):
    """True if ``path`` is not writable, or is marked read-only (even for root)."""
    return not os.access(path, os.W_OK) or not os.stat(path).st_mode & (
        stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def check_writable(path, what):
    """Fail now, not after the first answer, if ``path`` (or its new file) can't be written."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"the folder of the {what} {path} does not exist.")
    if os.path.exists(path):
        if _read_only(path):
            raise UsageError(f"the {what} {path} is read-only.")
    elif _read_only(folder):
        raise UsageError(f"the folder {folder} is read-only; cannot create the {what} {path}.")


def check_out(out, *, protected, force, explicit):
    """``--out`` must not be an input, and must not replace a file unless ``--force``."""
    real = os.path.realpath(out)
    for path, what in protected:
        if real == os.path.realpath(path):
            raise UsageError(f"--out {out} is the {what}; choose another file.")
    if explicit and os.path.lexists(out) and not force:
        raise UsageError(f"--out {out} exists; pass --force to replace it.")
    check_writable(out, "output")


def write_atomic(path, rows):
    """Write CSV ``rows`` to a fresh temporary file beside ``path``, then rename it there.

    ``mkstemp`` creates the file exclusively under an unpredictable name, so a symlink
    planted in the folder is never followed, and a crash never leaves ``path`` half
    written.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp")
    try:
        if hasattr(os, "fchmod"):  # as open() would create it, not mkstemp's 0600
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def say(message):
    print(f"skactive: warning: {message}", file=sys.stderr)
