"""The ``skactive`` command: label your own CSV in a terminal, or pick rows to label later.

``skactive label data.csv --label-column y`` asks, row by row, for the labels that help
the model most, saves every answer to ``data.labels.jsonl`` as it is typed, resumes from
it on the next run, and writes ``data.labeled.csv``. ``skactive query`` writes the most
informative unlabeled rows to a CSV for an external labeling tool.

The CSV is read with the standard ``csv`` module (pandas is not needed). Empty cells of
the label column (and cells equal to ``--missing-label``) are unlabeled. Row ids are the
0-based positions of the data rows (the header is not a row).
"""

import argparse
import collections
import csv
import os
import sys
import warnings

import numpy as np

from .oracles import LabelFile
from .strategies import available_strategies

__all__ = ["main"]

ESTIMATORS = ("logreg", "rf", "nb", "svm")
_UNLABELED = ""  # y marks unlabeled rows with this, whatever --missing-label says
_SKIPPED = object()


class UsageError(Exception):
    """A problem with the user's input: reported on one line, exit code 2."""


# ---------------------------------------------------------------------------- data
class Table:
    """A CSV file: header, rows of cells, the labels and the feature matrix.

    ``X`` has the row id in column 0 (so the oracle knows which CSV row it is shown)
    followed by the numeric features, or the document when ``text_column`` is set.
    """

    def __init__(self, path, label_column, *, text_column=None, ignore=(), missing_label=""):
        self.path = path
        self.header, self.rows = _read_csv(path)
        self.label_idx = _column(self.header, label_column, "--label-column")
        self.text_column = text_column
        missing = {_UNLABELED, missing_label.strip()}
        self.y = np.array([_UNLABELED if r[self.label_idx].strip() in missing
                           else r[self.label_idx].strip() for r in self.rows], dtype=object)
        self.unlabeled_in_csv = self.y == _UNLABELED  # only these cells are ever rewritten
        ids = np.arange(len(self.rows))
        if text_column is not None:
            j = _column(self.header, text_column, "--text-column")
            self.X = np.empty((len(self.rows), 2), dtype=object)
            self.X[:, 0] = ids
            self.X[:, 1] = [r[j] for r in self.rows]
            return
        ignored = set(ignore)
        for name in ignored:
            _column(self.header, name, "--ignore-column")
        cols = [j for j, name in enumerate(self.header)
                if j != self.label_idx and name not in ignored]
        if not cols:
            raise UsageError(f"{path}: no feature columns besides the label column "
                             f"{label_column!r}.")
        self.X = np.column_stack([ids.astype(np.float64)] + [self._numeric(j) for j in cols])

    def _numeric(self, j):
        cells = [r[j].strip() or "nan" for r in self.rows]
        try:
            return np.array(cells, dtype=np.float64)
        except ValueError:
            for i, cell in enumerate(cells):
                try:
                    float(cell)
                except ValueError:
                    name = self.header[j]
                    raise UsageError(
                        f"column {name!r} is not numeric (row {i}: {cell[:40]!r}); use "
                        f"--text-column {name!r} to learn from text, or --ignore-column "
                        f"{name!r} to leave it out."
                    ) from None
            raise

    def show(self, row_id):
        row = self.rows[row_id]  # padded to the header's length
        shown = [(h, row[j]) for j, h in enumerate(self.header) if j != self.label_idx]
        width = min(max(len(h) for h, _ in shown), 30)
        return "\n".join(f"  {h:<{width}} : {cell}" for h, cell in shown)

    def apply_label_file(self, label_file):
        """Fill unlabeled rows from earlier sessions; return (n applied, skipped ids)."""
        applied, skipped = 0, set()
        for row, label in label_file.load(missing_label=_SKIPPED).items():
            if not (isinstance(row, int) and 0 <= row < len(self.rows)):
                warnings.warn(f"{label_file.path}: ignoring an answer for row {row!r}, which "
                              f"is not a row of {self.path}.", UserWarning, stacklevel=2)
            elif self.y[row] != _UNLABELED:
                continue  # a label typed into the CSV itself wins
            elif label is _SKIPPED:
                skipped.add(row)
            else:
                self.y[row] = str(label)
                applied += 1
        return applied, skipped

    def write(self, path, y, *, row_ids=None):
        """Write the rows (all, or ``row_ids`` in that order) with labels ``y`` filled in."""
        header = self.header if row_ids is None else ["row_id"] + self.header
        order = range(len(self.rows)) if row_ids is None else row_ids
        tmp = f"{path}.tmp"
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            for i in order:
                row = list(self.rows[i])
                if y[i] != _UNLABELED and self.unlabeled_in_csv[i]:
                    row[self.label_idx] = y[i]
                writer.writerow(row if row_ids is None else [i] + row)
        os.replace(tmp, path)  # never leave a half-written output behind


def _read_csv(path):
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file.")
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header:
            raise UsageError(f"{path}: the file is empty (expected a header line).")
        rows = []
        for row in reader:
            if not row:
                continue
            if len(row) > len(header):
                raise UsageError(f"{path}, line {reader.line_num}: {len(row)} fields, but the "
                                 f"header has {len(header)}.")
            rows.append(row + [""] * (len(header) - len(row)))
    if not rows:
        raise UsageError(f"{path}: no data rows below the header.")
    return header, rows


def _column(header, name, option):
    if name not in header:
        raise UsageError(f"{option} {name!r} is not a column of the CSV (columns: "
                         f"{', '.join(header)}).")
    return header.index(name)


def make_estimator(name, text, random_state=None):
    """The pipeline for ``--estimator``: drops the row-id column, then learns."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB, MultinomialNB
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC

    if text:
        features = ColumnTransformer([("text", TfidfVectorizer(), 1)])
    else:
        numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        features = ColumnTransformer([("numeric", numeric, slice(1, None))])
    model = {
        "logreg": lambda: LogisticRegression(max_iter=1000),
        "rf": lambda: RandomForestClassifier(n_estimators=100, random_state=random_state),
        "nb": lambda: MultinomialNB() if text else GaussianNB(),
        "svm": lambda: LinearSVC(),
    }[name]()
    return Pipeline([("features", features), ("model", model)])


# ---------------------------------------------------------------------------- commands
def _load(args):
    table = Table(args.csv, args.label_column, text_column=args.text_column,
                  ignore=args.ignore_column, missing_label=args.missing_label)
    label_file = LabelFile(_sibling(args.csv, ".labels.jsonl"))
    applied, skipped = table.apply_label_file(label_file)
    if getattr(args, "retry_skipped", False):
        skipped = set()
    keep = np.array([i not in skipped for i in range(len(table.rows))])
    return table, label_file, applied, skipped, keep


def _sibling(path, suffix):
    root, _ = os.path.splitext(path)
    return root + suffix


def _balance(y):
    counts = collections.Counter(v for v in y.tolist() if v != _UNLABELED)
    return counts, ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none"


def cmd_label(args):
    from ._classifier import ActiveLearningClassifier
    from .oracles import ConsoleOracle

    table, label_file, applied, _, keep = _load(args)
    y_start = table.y.copy()
    counts, balance = _balance(table.y)
    pool = int(np.count_nonzero((table.y == _UNLABELED) & keep))
    print(f"{args.csv}: {len(table.rows)} rows, {sum(counts.values())} labeled ({applied} "
          f"from {label_file.path}), {pool} to choose from.")
    print(f"Classes so far: {balance}." + ("" if len(counts) >= 2 else
          " Fewer than two classes: the first rows are picked at random."))
    ask = min(args.budget, pool)
    oracle = ConsoleOracle(
        classes=sorted(counts) or None, show=lambda row: table.show(int(row[0])),
        missing_label=_UNLABELED, label_file=label_file,
        row_ids=lambda X_query: [int(v) for v in X_query[:, 0]], progress=(0, ask),
    )
    clf = ActiveLearningClassifier(
        make_estimator(args.estimator, args.text_column is not None, args.random_state),
        oracle=oracle, query_strategy=args.strategy, budget=args.budget,
        batch_size=args.batch_size, missing_label=_UNLABELED, random_state=args.random_state,
    )
    if ask:
        print(f"Answer up to {ask} rows (s skip, u undo, q quit). Every answer is saved at "
              f"once to {label_file.path}.")
    else:
        print("Nothing to ask: every row is labeled, or was skipped in an earlier session.")
    error = None
    try:
        clf.fit(table.X[keep], table.y[keep])
    except ValueError as exc:
        if "y_labeled_" not in vars(clf) or len(_balance(clf.y_labeled_)[0]) >= 2:
            raise
        error = exc  # fewer than two classes after the session: keep the answers anyway
    except KeyboardInterrupt as exc:  # Ctrl-C while the model was refitting
        if "y_labeled_" not in vars(clf):
            raise
        error = exc
    table.y[keep] = clf.y_labeled_
    out = args.out or _sibling(args.csv, ".labeled.csv")
    table.write(out, table.y)
    _report(args, table, clf, y_start, label_file, out, error)
    return 130 if isinstance(error, KeyboardInterrupt) else 0


def _report(args, table, clf, y_start, label_file, out, error):
    added = int(np.count_nonzero((y_start == _UNLABELED) & (table.y != _UNLABELED)))
    n_skipped = sum(h.get("n_skipped", 0) for h in clf.history_)
    counts, balance = _balance(table.y)
    print()
    print(f"Labeled {added} row(s) this session ({n_skipped} skipped); "
          f"{sum(counts.values())} of {len(table.rows)} rows are labeled.")
    print(f"Class balance: {balance}.")
    if isinstance(error, KeyboardInterrupt):
        print("Interrupted while training; every answer is saved.")
    elif error is not None:
        print("No model yet: at least two classes must be labeled.")
    else:
        print(f"Estimated accuracy: {_cv_accuracy(args, table, counts)}.")
    print(f"Answers: {label_file.path} (the next run resumes from it). Labeled data: {out}.")


def _cv_accuracy(args, table, counts):
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = min(5, min(counts.values())) if len(counts) >= 2 else 0
    if folds < 2:
        return "n/a (needs at least 2 labeled rows of every class)"
    labeled = table.y != _UNLABELED
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    estimator = make_estimator(args.estimator, args.text_column is not None, args.random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = cross_val_score(estimator, table.X[labeled], table.y[labeled].astype(str),
                                 cv=cv)
    return (f"{scores.mean():.3f} +/- {scores.std():.3f} ({folds}-fold cross-validation on "
            f"the {int(labeled.sum())} labeled rows; optimistic or pessimistic, since actively "
            "chosen rows are not a random sample)")


def cmd_query(args):
    from ._classifier import ActiveLearningClassifier

    table, _, _, _, keep = _load(args)
    counts, balance = _balance(table.y)
    if len(counts) < 2:
        raise UsageError(f"query needs labeled rows of at least two classes in "
                         f"{args.label_column!r} (found: {balance}); label some rows first, "
                         f"e.g. with 'skactive label {args.csv} --label-column "
                         f"{args.label_column}'.")
    pool = np.flatnonzero((table.y == _UNLABELED) & keep)
    if pool.shape[0] == 0:
        raise UsageError(f"{args.csv}: every row is labeled (or skipped); nothing to query.")
    clf = ActiveLearningClassifier(
        make_estimator(args.estimator, args.text_column is not None, args.random_state),
        query_strategy=args.strategy, missing_label=_UNLABELED, random_state=args.random_state,
    )
    clf.fit(table.X[keep], table.y[keep])
    picked = pool[clf.query(table.X[pool], args.n)]
    out = args.out or _sibling(args.csv, ".to_label.csv")
    table.write(out, table.y, row_ids=picked.tolist())
    print(f"Wrote the {picked.shape[0]} most informative unlabeled rows (best first, with "
          f"their row_id) to {out}.")
    return 0


# ---------------------------------------------------------------------------- parser
def _count(low):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def build_parser():
    parser = argparse.ArgumentParser(
        prog="skactive", description="Active learning from the command line: label the "
        "most informative rows of your own CSV, or pick them to label later.",
        epilog="example: skactive label data.csv --label-column y --budget 50",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    label = sub.add_parser(
        "label", help="label the most informative rows of a CSV here",
        description="Ask, in this terminal, for the labels of the rows the model is least "
        "sure about. Answers are saved at once to <csv>.labels.jsonl; running again resumes. "
        "Writes <csv>.labeled.csv at the end.",
    )
    query = sub.add_parser(
        "query", help="write the most informative rows to label later",
        description="Fit on the labeled rows and write the n most informative unlabeled "
        "rows, with their row_id, to a CSV for an external labeling tool.",
    )
    for p in (label, query):
        p.add_argument("csv", help="the data; empty cells of the label column are unlabeled")
        p.add_argument("--label-column", required=True, help="the column holding the labels")
        p.add_argument("--strategy", default="margin", choices=available_strategies(),
                       metavar="NAME", help="query strategy (default: margin); one of "
                       + ", ".join(available_strategies()))
        p.add_argument("--estimator", default="logreg", choices=ESTIMATORS)
        p.add_argument("--text-column", help="learn from this text column (TF-IDF) instead "
                       "of the numeric columns")
        p.add_argument("--ignore-column", action="append", default=[], metavar="COLUMN",
                       help="leave this column out of the features (repeatable)")
        p.add_argument("--missing-label", default="", help="a label cell equal to this is "
                       "unlabeled, like an empty one (default: empty only)")
        p.add_argument("--random-state", type=int, default=None)
    label.add_argument("--budget", type=_count(0), default=20, help="rows to ask this session")
    label.add_argument("--batch-size", type=_count(1), default=5,
                       help="rows asked between two refits of the model")
    label.add_argument("--out", help="labeled CSV to write (default: <csv>.labeled.csv)")
    label.add_argument("--retry-skipped", action="store_true",
                       help="ask again about rows skipped in earlier sessions")
    query.add_argument("-n", type=_count(1), default=20, help="rows to write")
    query.add_argument("--out", help="CSV to write (default: <csv>.to_label.csv)")
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"skactive: warning: {message}", file=sys.stderr)


def main(argv=None):
    """Run the ``skactive`` command line; return the exit code.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments (``sys.argv[1:]`` when ``None``).

    Returns
    -------
    code : int
        0 on success, 2 for bad input (reported on one line on stderr).

    Examples
    --------
    >>> from skactive.cli import main
    >>> main(["label", "no-such-file.csv", "--label-column", "y"])
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        # Refits on a handful of rows often stop early; that is expected, not news.
        warnings.filterwarnings("ignore", module="sklearn")
        try:
            return {"label": cmd_label, "query": cmd_query}[args.command](args)
        except UsageError as exc:
            print(f"skactive: error: {exc}", file=sys.stderr)
            return 2
