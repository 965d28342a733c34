"""The answer log of the ``skactive`` command, matched to the CSV by row content."""

import os

from ..oracles import LabelFile
from ..utils._terminal import visible
from ._safety import UsageError, check_writable, say
from ._table import UNLABELED

SHOWN = 5  # answers named in a report, at most


class TableLog(LabelFile):
    """A :class:`LabelFile` whose answers carry their row's fingerprint, slot and column."""

    def __init__(self, path, table):
        super().__init__(path)
        self.table = table

    def append(self, row_id, label, *, skipped=False, round=None, **identity):
        identity = identity or self.table.identity(row_id)
        super().append(row_id, label, skipped=skipped, round=round, **identity)

    def retract(self, row_id, *, round=None, **identity):
        identity = identity or self.table.identity(row_id)
        super().retract(row_id, round=round, **identity)


def default_log(csv_path):
    root, _ = os.path.splitext(os.fspath(csv_path))
    return root + ".labels.jsonl"


def open_log(args, table):
    """The log for ``args.csv``, checked: writable, this label column, fingerprinted."""
    path = args.log or default_log(args.csv)
    if os.path.realpath(path) == os.path.realpath(args.csv):
        raise UsageError(f"--log {path} is the input CSV; choose another file.")
    check_writable(path, "answer log")
    log = TableLog(path, table)
    records = log.records()
    if any("row" in r and "fp" not in r for r in records):
        raise UsageError(
            f"{path} was written by an older skactive: its answers carry no row "
            "fingerprint, so they cannot be matched to rows safely. Rename it to start a "
            "new log (its answers stay readable with skactive.oracles.LabelFile)."
        )
    columns = {r.get("column") for r in records} - {table.label_column}
    if columns:
        raise UsageError(
            f"{path} holds answers for --label-column {sorted(map(str, columns))[0]!r}, "
            f"not {table.label_column!r}; give each label column its own log with "
            f"--log PATH."
        )
    return log


def apply_log(table, log):
    """Fill ``table.y`` from the log; return (n applied, skipped positions).

    An answer is applied to the row with its fingerprint and slot; a label in the CSV
    itself wins. Answers whose row is no longer in the CSV are reported, never applied
    elsewhere; a log that matches no row at all is refused.
    """
    table.y = table.y_csv.copy()
    current = {}
    for record in log.history():
        current[(record["fp"], record["slot"])] = record
    applied, skipped, orphans = 0, set(), []
    for key, record in current.items():
        i = table.position.get(key)
        if i is None:
            orphans.append(record)
        elif table.y_csv[i] != UNLABELED:
            continue
        elif record.get("skipped"):
            skipped.add(i)
        else:
            table.y[i] = str(record["label"])
            applied += 1
    if current and len(orphans) == len(current):
        raise UsageError(f"{log.path} matches none of the rows of {table.path}: it was "
                         "written for another CSV (or every row's content changed).")
    return applied, skipped, orphans


def report_orphans(log, table, orphans):
    if not orphans:
        return
    shown = ", ".join(f"row {visible(r['row'])} "
                      + ("(skipped)" if r.get("skipped") else repr(visible(r["label"])))
                      for r in orphans[:SHOWN])
    more = "" if len(orphans) <= SHOWN else f", ... ({len(orphans) - SHOWN} more)"
    say(f"{len(orphans)} answer(s) in {log.path} are for rows no longer in {table.path} "
        f"(as numbered when answered: {shown}{more}); they stay in the log and are not "
        "applied to any other row.")


def class_order(log, table):
    """Classes in a stable order: as last noted in the log, then new ones as they came."""
    records = log.records()
    noted = [r["classes"] for r in records if "classes" in r]
    order = list(noted[-1]) if noted else []
    answered = [str(r["label"]) for r in records if "row" in r and r.get("label") is not None]
    present = {c for c in table.y.tolist() if c != UNLABELED}
    for c in answered + sorted(present):
        if c not in order:
            order.append(c)
    order = [c for c in order if c in present]
    if order and order != (noted[-1] if noted else None):
        log.note_classes(order, column=table.label_column)
    return order
