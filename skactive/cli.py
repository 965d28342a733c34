"""The ``skactive`` command: label your own CSV in a terminal, or pick rows to label later.

``skactive label data.csv --label-column y`` asks, row by row, for the labels that help
the model most, saves every answer to ``data.labels.jsonl`` as it is typed, resumes from
it on the next run, and writes ``data.labeled.csv``. ``skactive query`` writes the most
informative unlabeled rows to a CSV for an external labeling tool, and ``skactive import``
adds the answers filled in there to the log.

The CSV is read with the standard ``csv`` module (pandas is not needed). Empty cells of
the label column (and cells equal to ``--missing-label``) are unlabeled. Each answer is
stored with a fingerprint of its row's content (the non-label cells), so answers follow
their rows when the CSV is sorted or rows are inserted or deleted.
"""

import sys
import warnings

from ._cli._label import cmd_label
from ._cli._parser import build_parser
from ._cli._query import cmd_import, cmd_query
from ._cli._safety import UsageError

__all__ = ["main"]


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
        0 on success, 2 for bad input (reported on one line on stderr), 130 when
        interrupted with Ctrl-C.

    Examples
    --------
    >>> from skactive.cli import main
    >>> main(["label", "no-such-file.csv", "--label-column", "y"])
    2
    """
    try:
        args = build_parser().parse_args(argv)
        command = {"label": cmd_label, "query": cmd_query, "import": cmd_import}[args.command]
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            # Refits on a handful of rows often stop early; that is expected, not news.
            warnings.filterwarnings("ignore", module="sklearn")
            return command(args)
    except UsageError as exc:
        print(f"skactive: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nskactive: interrupted; every answer given is saved.", file=sys.stderr)
        return 130
