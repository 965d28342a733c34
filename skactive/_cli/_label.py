"""``skactive label``: ask, in this terminal, for the labels that help the model most."""

import collections
import contextlib
import os
import warnings

import numpy as np

from ..oracles import ConsoleOracle, StopLabeling
from ..utils._terminal import visible
from ._answers import apply_log, class_order, open_log, report_orphans
from ._features import RowResolver, build_features, make_estimator
from ._safety import SessionLock, check_out
from ._table import UNLABELED, Table


class CsvOracle(ConsoleOracle):
    """A :class:`ConsoleOracle` that shows CSV rows: queries are resolved to row positions.

    ``ask(ids)`` asks about given rows directly (an undone answer's row).
    """

    resolve = None
    _given = None

    def ask(self, ids):
        self._given = list(ids)
        try:
            return self(np.empty((len(ids), 0)))
        finally:
            self._given = None

    def _split(self, X_query):
        # ConsoleOracle turns a query into rows and ids here; a CSV row is shown by its id.
        ids = self._given if self._given is not None else self.resolve(X_query)
        return list(ids), list(ids), True


def load_table(args):
    table = Table(args.csv, args.label_column, encoding=args.encoding,
                  missing_label=args.missing_label)
    X = build_features(table, text_column=args.text_column, ignore=args.ignore_column)
    return table, X


def balance(y):
    counts = collections.Counter(v for v in y.tolist() if v != UNLABELED)
    shown = ", ".join(f"{visible(c)} {n}" for c, n in sorted(counts.items()))
    return counts, shown or "none"


def default_out(csv_path, suffix):
    root, _ = os.path.splitext(os.fspath(csv_path))
    return root + suffix


Session = collections.namedtuple("Session", "table X log out applied skipped")


@contextlib.contextmanager
def session(args, out_suffix):
    """Everything checked before the first question, under the lock of ``args.csv``."""
    table, X = load_table(args)
    out = args.out or default_out(args.csv, out_suffix)
    with SessionLock(args.csv):
        log = open_log(args, table)
        check_out(out, protected=[(args.csv, "input CSV"), (log.path, "answer log")],
                  force=args.force, explicit=args.out is not None)
        applied, skipped, orphans = apply_log(table, log)
        report_orphans(log, table, orphans)
        yield Session(table, X, log, out, applied, skipped)


def cmd_label(args):
    with session(args, ".labeled.csv") as s:
        y_start = s.table.y.copy()
        oracle = _start(args, s.table, s.log, s.applied, s.skipped)
        interrupted = _loop(args, s.table, s.X, s.log, oracle)
        s.table.write(s.out)
        _report(args, s.table, s.X, y_start, s.log, s.out, interrupted)
    return 130 if interrupted else 0


def _pool(table, skipped, args):
    keep = np.ones(len(table.rows), dtype=bool)
    if not args.retry_skipped:
        keep[list(skipped)] = False
    return keep


def _start(args, table, log, applied, skipped):
    counts, shown = balance(table.y)
    pool = int(np.count_nonzero((table.y == UNLABELED) & _pool(table, skipped, args)))
    print(f"{args.csv}: {len(table.rows)} rows, {sum(counts.values())} labeled ({applied} "
          f"from {log.path}), {pool} to choose from.")
    print(f"Classes so far: {shown}." + ("" if len(counts) >= 2 else
          " Fewer than two classes: the first rows are picked at random."))
    ask = min(args.budget, pool)
    if args.budget == 0:
        print("Nothing asked: the budget is 0 (--budget).")
    elif ask:
        print(f"Answer up to {ask} rows (s skip, u undo, q quit). Every answer is saved at "
              f"once to {log.path}.")
    else:
        print("Nothing to ask: every row is labeled, or was skipped in an earlier session.")
    return CsvOracle(classes=class_order(log, table) or None, show=table.show,
                     missing_label=UNLABELED, label_file=log, progress=(0, ask),
                     labeled=sum(counts.values()), undo_earlier=True)


def _loop(args, table, X, log, oracle):
    """Run the loop until the budget is spent or the annotator stops; True if Ctrl-C.

    An answer undone from an earlier batch or session ends the current ``fit``; its row
    is asked again first (several ``u`` in a row: the rows in the order answered), then
    a new ``fit`` continues with the budget left.
    """
    from .._classifier import ActiveLearningClassifier

    again = []  # rows whose answers were undone, to ask first
    while True:
        _, skipped, _ = apply_log(table, log)
        if again:
            try:
                oracle.ask(again[:1])
                again.pop(0)
            except StopLabeling:
                if not _push_undone(table, oracle, again):
                    return False
            continue
        left = args.budget - getattr(oracle, "n_answered_", 0)
        keep = _pool(table, skipped, args)
        if left <= 0 or not np.any((table.y == UNLABELED) & keep):
            return False
        oracle.resolve = RowResolver(X, np.flatnonzero((table.y == UNLABELED) & keep))
        clf = ActiveLearningClassifier(
            make_estimator(args.estimator, args.text_column is not None, args.random_state),
            oracle=oracle, query_strategy=args.strategy, budget=left,
            batch_size=args.batch_size, missing_label=UNLABELED,
            random_state=args.random_state,
        )
        try:
            clf.fit(X[keep], table.y[keep])
        except ValueError:
            apply_log(table, log)
            if "y_labeled_" not in vars(clf) or len(balance(table.y)[0]) >= 2:
                raise
        except KeyboardInterrupt:  # Ctrl-C while the model was refitting
            apply_log(table, log)
            return True
        if not _push_undone(table, oracle, again):
            apply_log(table, log)
            return False


def _push_undone(table, oracle, again):
    """Put the row of the answer just undone first in ``again``; False if nothing was undone."""
    record, oracle.undone_ = getattr(oracle, "undone_", None), None
    if record is None:
        return False
    i = table.position.get((record["fp"], record["slot"]))
    if i is None:
        print("That row is no longer in the CSV; nothing to ask again.")
    else:
        again.insert(0, i)
    return True


def _report(args, table, X, y_start, log, out, interrupted):
    added = int(np.count_nonzero((y_start == UNLABELED) & (table.y != UNLABELED)))
    n_skipped = sum(1 for r in log.history() if r.get("skipped"))
    counts, shown = balance(table.y)
    print()
    print(f"Labeled {added} row(s) this session; {sum(counts.values())} of "
          f"{len(table.rows)} rows are labeled ({n_skipped} skipped in all).")
    print(f"Class balance: {shown}.")
    if interrupted:
        print("Interrupted while training; every answer is saved.")
    elif len(counts) < 2:
        print("No model yet: at least two classes must be labeled.")
    else:
        print(f"Estimated accuracy: {_cv_accuracy(args, table, X, counts)}.")
    print(f"Answers: {log.path} (the next run resumes from it). Labeled data: {out}.")


def _cv_accuracy(args, table, X, counts):
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = min(5, min(counts.values()))
    if folds < 2:
        return "n/a (needs at least 2 labeled rows of every class)"
    labeled = table.y != UNLABELED
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    estimator = make_estimator(args.estimator, args.text_column is not None, args.random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_val_score(estimator, X[labeled], table.y[labeled].astype(str), cv=cv)
    return (f"{scores.mean():.3f} +/- {scores.std():.3f} ({folds}-fold cross-validation on "
            f"the {int(labeled.sum())} labeled rows; optimistic or pessimistic, since actively "
            "chosen rows are not a random sample)")
