"""``skactive query`` writes rows to label elsewhere; ``skactive import`` brings answers back."""

import collections

import numpy as np

from ..utils._terminal import visible
from ._answers import SHOWN, apply_log, open_log
from ._features import make_estimator
from ._label import balance, session
from ._safety import SessionLock, UsageError, say
from ._table import UNLABELED, Table, column_index, read_csv


def cmd_query(args):
    from .._classifier import ActiveLearningClassifier

    with session(args, ".to_label.csv") as s:
        table, X, out = s.table, s.X, s.out
        counts, shown = balance(table.y)
        if len(counts) < 2:
            raise UsageError(f"query needs labeled rows of at least two classes in "
                             f"{args.label_column!r} (found: {shown}); label some rows "
                             f"first, e.g. with 'skactive label {args.csv} --label-column "
                             f"{args.label_column}'.")
        keep = np.ones(len(table.rows), dtype=bool)
        keep[list(s.skipped)] = False
        pool = np.flatnonzero((table.y == UNLABELED) & keep)
        if pool.shape[0] == 0:
            raise UsageError(f"{args.csv}: every row is labeled (or skipped); nothing to "
                             "query.")
        clf = ActiveLearningClassifier(
            make_estimator(args.estimator, args.text_column is not None, args.random_state),
            query_strategy=args.strategy, missing_label=UNLABELED,
            random_state=args.random_state,
        )
        clf.fit(X[keep], table.y[keep])
        picked = pool[clf.query(X[pool], args.n)]
        table.write(out, row_ids=picked.tolist())
    print(f"Wrote the {picked.shape[0]} most informative unlabeled rows (best first, with "
          f"their row_id) to {out}. Fill in {args.label_column!r} there, then run: skactive "
          f"import {args.csv} {out} --label-column {args.label_column}")
    return 0


def cmd_import(args):
    table = Table(args.csv, args.label_column, encoding=args.encoding,
                  missing_label=args.missing_label)
    header, rows = _read_answers(args.answers, args.encoding)
    wanted = list(table.header)
    missing = [h for h in wanted if h not in header]
    if missing:
        raise UsageError(f"{args.answers} lacks the column(s) {', '.join(missing)} of "
                         f"{args.csv}; it must keep every column to be matched by content.")
    label_idx = column_index(header, args.label_column, "--label-column")
    by_name = [header.index(h) for h in wanted]
    with SessionLock(args.csv):
        log = open_log(args, table)
        apply_log(table, log)
        free, known = _free_slots(table), set(table.fingerprints)
        added, same, conflicts, unmatched = 0, 0, [], []
        for line, row in enumerate(rows, start=2):
            label = row[label_idx].strip()
            if not label or label == args.missing_label.strip():
                continue
            fp = table.fingerprint([row[k] for k in by_name], wanted)
            if free[fp]:
                i = free[fp].popleft()
                log.append(i, label, round=None, **table.identity(i))
                table.y[i] = label
                added += 1
            elif fp not in known:
                unmatched.append(line)
            elif label in _labels_of(table, fp):
                same += 1
            else:
                conflicts.append(line)
    if added + same + len(conflicts) == 0 and unmatched:
        raise UsageError(f"no row of {args.answers} matches a row of {args.csv}: it was "
                         "written for another CSV (or the rows' cells were changed).")
    print(f"Imported {added} answer(s) from {args.answers} into {log.path}"
          + (f"; {same} were already there" if same else "") + ".")
    _report_lines(unmatched, f"row(s) of {args.answers} match no row of {args.csv}")
    _report_lines(conflicts, "answer(s) are for rows already labeled otherwise; the "
                  "existing label was kept (undo it in 'skactive label' to change it)")
    return 0


def _read_answers(path, encoding):
    """The filled-in file: UTF-8 when 'skactive query' wrote it, else like the data."""
    try:
        return read_csv(path, "utf-8")
    except UsageError:
        return read_csv(path, encoding)


def _free_slots(table):
    free = collections.defaultdict(collections.deque)
    for i, fp in enumerate(table.fingerprints):
        if table.y[i] == UNLABELED:
            free[fp].append(i)
    return free


def _labels_of(table, fp):
    return {table.y[i] for i, f in enumerate(table.fingerprints) if f == fp}


def _report_lines(lines, what):
    if lines:
        shown = ", ".join(map(str, lines[:SHOWN])) + (", ..." if len(lines) > SHOWN else "")
        say(f"{len(lines)} {what} (line {visible(shown)}); not applied.")
