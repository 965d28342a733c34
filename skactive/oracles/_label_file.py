"""A crash-safe log of an annotator's answers: one JSON line per answer, fsync'ed."""

import datetime
import json
import os
import warnings

import numpy as np

__all__ = ["LabelFile"]


def _plain(value):
    """A JSON-friendly version of a row id or label (numpy scalars become Python ones)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _key(value):
    """A JSON value back as a dict key: lists (tuple ids, array rows) become tuples."""
    if isinstance(value, list):
        return tuple(_key(v) for v in value)
    return value


class LabelFile:
    """Append every answer to a JSON-lines file the moment it is given.

    Each answer is one line ``{"row": ..., "label": ..., "skipped": ..., "round": ...,
    "time": ...}`` written with a single ``write``, flushed and ``os.fsync``'ed, so a
    crash or a killed process loses at most the answer being written. :meth:`load`
    reads the file back, so a new session resumes where the last one stopped.

    A half-written last line (the process died during the write) is ignored with a
    warning; the next :meth:`append` cuts it off first, so new answers always start on
    a fresh line and earlier answers are never touched.

    An answer may also carry ``fp`` (a fingerprint of the row's content), ``slot``
    (which of several identical rows) and ``column`` (the label column): the
    ``skactive`` command stores answers that way, so they follow their rows when a CSV
    is sorted. Undo then applies to the content and slot. :meth:`note_classes` adds a
    ``{"classes": [...]}`` line, which :meth:`load` and :meth:`history` pass over.

    Parameters
    ----------
    path : str or path-like
        The file; created on the first answer. Row ids and labels must be JSON values
        (int, float, str, or lists of them); numpy scalars are converted, anything
        else is stored as its ``str``.

    Examples
    --------
    >>> import tempfile, os
    >>> from skactive.oracles import LabelFile
    >>> path = os.path.join(tempfile.mkdtemp(), "answers.jsonl")
    >>> log = LabelFile(path)
    >>> log.append(17, "spam")
    >>> log.append(4, None, skipped=True)
    >>> log.append(17, "ham")
    >>> log.load()
    {17: 'ham', 4: None}
    >>> log.load(missing_label=-1)[4]
    -1
    """

    def __init__(self, path):
        self.path = path

    def __repr__(self):
        return f"{type(self).__name__}({os.fspath(self.path)!r})"

    # ------------------------------------------------------------------ writing
    def append(self, row_id, label, *, skipped=False, round=None, fingerprint=None,
               slot=None, column=None):
        """Record one answer, durably, before returning.

        Parameters
        ----------
        row_id : int, str or tuple
            Which row was answered (a DataFrame index label, or a position).
        label : object
            The answer; ignored (stored as ``null``) when ``skipped``.
        skipped : bool, default=False
            The annotator skipped the row.
        round : int, default=None
            The labeling round the answer belongs to, for the record.
        fingerprint : str, default=None
            A hash of the row's content. When given, the answer belongs to the content
            (the ``slot``-th row with that content), not to ``row_id``: it follows its
            row when rows are sorted, inserted or deleted.
        slot : int, default=None
            Which of several identical rows (0 for the first), with ``fingerprint``.
        column : str, default=None
            The label column the answer is for.
        """
        record = {"row": _plain(row_id), "label": None if skipped else _plain(label),
                  "skipped": bool(skipped), "round": round}
        self._write(_with_identity(record, fingerprint, slot, column))

    def retract(self, row_id, *, round=None, fingerprint=None, slot=None, column=None):
        """Record that the last answer for ``row_id`` was taken back (undo).

        Parameters
        ----------
        row_id : int, str or tuple
        round : int, default=None
        fingerprint, slot, column : default=None
            As in :meth:`append`; with a ``fingerprint`` the answer taken back is the
            last one for that content and slot, wherever its row is now.
        """
        record = {"row": _plain(row_id), "undo": True, "round": round}
        self._write(_with_identity(record, fingerprint, slot, column))

    def undo_last(self, *, round=None):
        """Take back the most recent answer still standing, from any session.

        Parameters
        ----------
        round : int, default=None

        Returns
        -------
        record : dict or None
            The answer taken back, or ``None`` if there was none.
        """
        standing = self.history()
        if not standing:
            return None
        last = standing[-1]
        self.retract(last["row"], round=round, fingerprint=last.get("fp"),
                     slot=last.get("slot"), column=last.get("column"))
        return last

    def note_classes(self, classes, *, column=None):
        """Record the order of the classes, so their numbers stay the same next session.

        Parameters
        ----------
        classes : list of str
        column : str, default=None
        """
        record = {"classes": [_plain(c) for c in classes]}
        self._write(_with_identity(record, None, None, column))

    def _write(self, record):
        record["time"] = datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="milliseconds"
        )
        line = (json.dumps(record, default=str, ensure_ascii=False) + "\n").encode("utf-8")
        created = not os.path.exists(self.path)
        if not created and not getattr(self, "_tail_checked", False):
            self._cut_torn_tail()
        with open(self.path, "ab") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        self._tail_checked = True
        if created:
            _fsync_dir(os.path.dirname(os.path.abspath(self.path)))

    def _cut_torn_tail(self):
        """Make the file end with a newline, so the next answer starts a line of its own.

        A last line cut short is dropped (it was never a whole answer); one that is a
        whole record missing only its newline is kept.
        """
        with open(self.path, "r+b") as f:
            data = f.read()
            if not data or data.endswith(b"\n"):
                return
            keep = data.rfind(b"\n") + 1
            if _parse(data[keep:]) is not None:
                f.write(b"\n")
            else:
                warnings.warn(
                    f"{self.path}: dropping a half-written last line ({data[keep:][:80]!r}); "
                    "the process writing it was probably interrupted. Earlier answers are "
                    "kept.",
                    UserWarning,
                    stacklevel=4,
                )
                f.truncate(keep)
            f.flush()
            os.fsync(f.fileno())

    # ------------------------------------------------------------------ reading
    def records(self):
        """Every complete record in the file, in order (``[]`` if there is no file).

        A half-written last line is skipped with a warning, as is any line that is not
        valid JSON.

        Returns
        -------
        records : list of dict
        """
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return []
        lines = data.split(b"\n")
        tail = lines.pop()  # after the last newline: b"" unless the last write was cut
        if tail.strip():
            if _parse(tail) is not None:
                lines.append(tail)  # a whole record that only misses its newline
            else:
                warnings.warn(
                    f"{self.path}: ignoring a half-written last line ({tail[:80]!r}); the "
                    "process writing it was probably interrupted. Earlier answers are kept.",
                    UserWarning,
                    stacklevel=2,
                )
        out = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = _parse(line)
            if record is None:
                warnings.warn(
                    f"{self.path}: ignoring line {number}, which is not an answer record: "
                    f"{line[:80]!r}",
                    UserWarning,
                    stacklevel=2,
                )
                continue
            out.append(record)
        return out

    def history(self):
        """The answers still standing, in the order they were given.

        An undo takes back the most recent standing answer for the same row (for the
        same fingerprint and slot, when the answers carry one).

        Returns
        -------
        answers : list of dict
        """
        standing = []
        for record in self.records():
            if "row" not in record:
                continue  # a note, e.g. the order of the classes
            if record.get("undo"):
                key = _identity(record)
                for k in range(len(standing) - 1, -1, -1):
                    if _identity(standing[k]) == key:
                        del standing[k]
                        break
                continue
            standing.append(record)
        return standing

    def load(self, missing_label=None):
        """The current answer for every row: ``{row_id: label}``.

        The last answer for a row wins; an undo takes back the answer before it.
        Skipped rows map to ``missing_label``.

        Parameters
        ----------
        missing_label : object, default=None
            The value given to skipped rows.

        Returns
        -------
        answers : dict
            In the order rows were first answered. Ids stored as lists (tuple index
            labels) come back as tuples.
        """
        answers = {}
        for record in self.history():
            skipped = record.get("skipped")
            answers[_key(record["row"])] = missing_label if skipped else _key(record["label"])
        return answers


def _with_identity(record, fingerprint, slot, column):
    if fingerprint is not None:
        record["fp"] = fingerprint
        record["slot"] = 0 if slot is None else int(slot)
    if column is not None:
        record["column"] = column
    return record


def _identity(record):
    """Which answer slot a record is about: its content and slot when known, else its row."""
    if "fp" in record:
        return ("fp", record["fp"], record.get("slot", 0))
    return ("row", _key(record["row"]))


def _parse(line):
    """The record on one line, or None if it is not a whole answer (or note) record."""
    try:
        record = json.loads(line)
    except ValueError:  # also UnicodeDecodeError: a write cut inside a character
        return None
    if not isinstance(record, dict):
        return None
    return record if "row" in record or "classes" in record else None


def _fsync_dir(directory):
    """Make a newly created file's directory entry durable (POSIX; a no-op elsewhere)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
