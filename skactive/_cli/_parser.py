"""The ``skactive`` command line: subcommands and options (every help names its default)."""

import argparse

from .. import __version__
from ..strategies import available_strategies
from ._features import ESTIMATORS


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


def _common(p, *, features=True):
    p.add_argument("csv", help="the data; empty cells of the label column are unlabeled")
    p.add_argument("--label-column", required=True, help="the column holding the labels "
                   "(required)")
    p.add_argument("--log", metavar="PATH", help="the answer log (default: "
                   "<csv>.labels.jsonl); one log holds one label column's answers")
    p.add_argument("--encoding", default="utf-8", help="the CSV's text encoding, e.g. "
                   "latin-1 (default: utf-8); outputs are written as utf-8")
    p.add_argument("--missing-label", default="", help="a label cell equal to this is "
                   "unlabeled, like an empty one (default: empty only)")
    if not features:
        return
    p.add_argument("--strategy", default="margin", choices=available_strategies(),
                   metavar="NAME", help="query strategy (default: margin); one of "
                   + ", ".join(available_strategies()))
    p.add_argument("--estimator", default="logreg", choices=ESTIMATORS,
                   help="the model: " + ", ".join(ESTIMATORS) + " (default: logreg)")
    p.add_argument("--text-column", help="learn from this text column (TF-IDF) instead "
                   "of the other columns (default: none)")
    p.add_argument("--ignore-column", action="append", default=[], metavar="COLUMN",
                   help="leave this column out of the features; repeatable (default: none)")
    p.add_argument("--random-state", type=int, default=None,
                   help="seed for reproducible picks (default: none, random)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing --out file (default: refuse)")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="skactive", description="Active learning from the command line: label the "
        "most informative rows of your own CSV, or pick them to label later.",
        epilog="example: skactive label data.csv --label-column y --budget 50",
    )
    parser.add_argument("--version", action="version", version=f"skactive {__version__}")
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
        "rows, with their row_id, to a CSV for an external labeling tool; bring the "
        "answers back with 'skactive import'.",
    )
    imp = sub.add_parser(
        "import", help="add the answers of a filled-in CSV to the answer log",
        description="Read ANSWERS (e.g. the file 'skactive query' wrote, with the label "
        "column filled in) and add its answers to the log of CSV, each matched to its row "
        "by content, so 'skactive label' and 'skactive query' use them.",
    )
    _common(label)
    _common(query)
    _common(imp, features=False)
    imp.add_argument("answers", help="the filled-in CSV (same columns as the data)")
    label.add_argument("--budget", type=_count(0), default=20,
                       help="rows to ask this session (default: 20)")
    label.add_argument("--batch-size", type=_count(1), default=5,
                       help="rows asked between two refits of the model (default: 5)")
    label.add_argument("--out", help="labeled CSV to write (default: <csv>.labeled.csv, "
                       "rewritten each run)")
    label.add_argument("--retry-skipped", action="store_true", help="ask again about rows "
                       "skipped in earlier sessions (default: off)")
    query.add_argument("-n", type=_count(1), default=20, help="rows to write (default: 20)")
    query.add_argument("--out", help="CSV to write (default: <csv>.to_label.csv)")
    return parser
