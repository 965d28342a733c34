"""ConsoleOracle: a person answers the queries in a terminal."""

import numbers
import sys

import numpy as np
import scipy.sparse as sp

from ..utils._terminal import visible
from ..utils._validation import is_text
from ._base import Oracle, StopLabeling
from ._label_file import LabelFile

__all__ = ["ConsoleOracle"]

_SKIP, _UNDO, _QUIT, _HELP = object(), object(), object(), object()
_COMMANDS = {"s": _SKIP, "skip": _SKIP, "u": _UNDO, "undo": _UNDO, "q": _QUIT, "quit": _QUIT,
             "?": _HELP, "help": _HELP}
_MAX_SHOWN = 50  # nonzero entries shown for a sparse row


class _BadAnswer(Exception):
    pass


def _is_number(value):
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _looks_integer(text):
    return text.lstrip("+-").isdigit()


def _parse_number(text):
    try:
        return int(text) if _looks_integer(text) else float(text)
    except ValueError:
        return None


class ConsoleOracle(Oracle):
    """Ask a person, in a terminal, for the label of each queried row.

    Each row is printed (every column with its name for a DataFrame, the document for
    text, or whatever ``show(row)`` returns; control characters in the data are shown as
    escapes such as ``\\x1b``, never sent to the terminal), followed by the known
    classes. The annotator types a class name, the start of one (``pos`` for
    ``positive``, when no other class starts that way), or its number when the menu
    shows numbers; the class recorded is echoed when it was not typed in full. Or:

    - ``s`` to skip the row (its answer is ``missing_label``: it costs budget and is not
      asked again in this ``fit``),
    - ``u`` to undo the previous answer of this batch (it is asked again); at the start
      of a batch, see ``undo_earlier``,
    - ``q`` to stop: raises :class:`~skactive.oracles.StopLabeling` carrying the answers
      given so far in the batch; ``ActiveLearningClassifier.fit`` keeps all of them and
      ends with ``termination_condition_ == "stopped_by_oracle"``. End of input (Ctrl-D,
      or the end of a piped script) and Ctrl-C do the same.

    A class name always wins over a command, so a class called ``"s"`` is typed as
    ``s`` and skipping it then needs the long form ``skip`` (likewise ``undo``,
    ``quit``). A name not among the known classes is taken as a new class only after
    the annotator confirms it, so a typo does not create a class.

    Parameters
    ----------
    classes : array-like, default=None
        The classes known at the start, shown with numbered shortcuts. Answers are
        returned as these objects (so pass ``np.unique`` of the labeled ``y`` to get
        answers of the same type as ``y``). ``None``: learned from the answers, which
        are then returned as strings. Numbered shortcuts are left out when a class is a
        number or an integer-looking string, since typing the name is then just as short.
    show : callable, default=None
        ``show(row) -> str`` formats one row (a pandas Series for a DataFrame, a string
        for text, a 1D array otherwise); useful for long documents. ``None`` prints the
        row as described above.
    input : file-like, default=None
        Where answers are read from, one per line; ``None`` means ``sys.stdin``.
    output : file-like, default=None
        Where rows and prompts are written; ``None`` means ``sys.stdout``.
    missing_label : object, default=-1
        The answer returned for a skipped row; use the estimator's ``missing_label``.
    label_file : str, path-like or LabelFile, default=None
        If given, every answer (and every undo) is appended there, durably, the moment
        it is given; see :class:`~skactive.oracles.LabelFile`.
    row_ids : callable, default=None
        ``row_ids(X_query) -> ids``: the id of each queried row, shown in the header and
        written to ``label_file``. ``None``: the DataFrame index labels; for other
        containers the row's content (the document, the list of values, or for a
        sparse row its ``[column, value]`` pairs), so answers can be matched by content.
    progress : int or (int, int), default=None
        ``total`` or ``(done, total)``: the header shows ``[k/total]``, ``k`` counting
        the answers from ``done + 1``. ``None`` shows ``[k]`` only.
    labeled : int, default=None
        Rows labeled before the first question. When given, the header also shows the
        running totals, e.g. ``[12/50 · 62 labeled · 3 classes]``.
    undo_earlier : bool, default=False
        With a ``label_file``: ``u`` at the start of a batch takes back the last answer
        in the file, even one from an earlier batch or session. It is retracted in the
        file, ``undone_`` is set to its record, and :class:`StopLabeling` is raised, so
        the caller can ask that row again. ``False``: ``u`` only undoes within a batch.

    Attributes
    ----------
    classes_ : list
        The classes known now (given ones first, then those learned, in order).
    n_answered_ : int
        Rows answered so far, skips included, undone answers not.
    n_calls_ : int
        Batches asked.
    undone_ : dict or None
        The record taken back by the last ``u`` at the start of a batch
        (``undo_earlier``), else ``None``.

    Examples
    --------
    >>> import io
    >>> import numpy as np
    >>> from skactive.oracles import ConsoleOracle
    >>> out = io.StringIO()
    >>> oracle = ConsoleOracle(classes=["cat", "dog"], input=io.StringIO("2\\ns\\n"),
    ...                        output=out)
    >>> oracle(["a photo of a puppy", "a blurry photo"]).tolist()
    ['dog', -1]
    >>> print(out.getvalue().splitlines()[3])
    classes: [1] cat  [2] dog   (s skip, u undo, q quit)
    """

    def __init__(self, classes=None, show=None, input=None, output=None, missing_label=-1,
                 label_file=None, row_ids=None, progress=None, labeled=None,
                 undo_earlier=False):
        self.classes = classes
        self.show = show
        self.input = input
        self.output = output
        self.missing_label = missing_label
        self.label_file = label_file
        self.row_ids = row_ids
        self.progress = progress
        self.labeled = labeled
        self.undo_earlier = undo_earlier

    # ------------------------------------------------------------------ state
    def _init_state(self):
        if getattr(self, "classes_", None) is None:
            self.classes_ = [] if self.classes is None else list(self.classes)
            self.n_answered_ = 0
            self.n_calls_ = 0
            self.undone_ = None
            self._n_labeled = 0  # labeled (not skipped) answers given, undos deducted
            lf = self.label_file
            self._log = None if lf is None else lf if isinstance(lf, LabelFile) else LabelFile(lf)

    def _write(self, text):
        out = self.output if self.output is not None else sys.stdout
        out.write(text)
        out.flush()

    def _readline(self, prompt):
        self._write(prompt)
        stream = self.input if self.input is not None else sys.stdin
        try:
            line = stream.readline()
        except KeyboardInterrupt:
            self._write("\n")
            return None
        if not line:
            self._write("\n")
            return None  # end of input
        if not getattr(stream, "isatty", lambda: False)():
            self._write(line if line.endswith("\n") else line + "\n")  # echo a piped answer
        return line.strip()

    # ------------------------------------------------------------------ display
    def _split(self, X_query):
        """Rows of the query, their ids, and whether the ids are worth showing."""
        if hasattr(X_query, "iloc") and hasattr(X_query, "columns"):
            rows = [X_query.iloc[i] for i in range(X_query.shape[0])]
            ids, named = list(X_query.index), True
        elif is_text(X_query):
            rows = list(X_query)
            ids, named = list(rows), False
        elif sp.issparse(X_query):
            X_query = sp.csr_matrix(X_query)
            rows = [X_query[i] for i in range(X_query.shape[0])]
            # content ids: the nonzero (column, value) pairs, not a dense row
            ids = [[[int(j), float(v)] for j, v in zip(r.indices, r.data, strict=True)]
                   for r in rows] if self._log is not None else [None] * len(rows)
            named = False
        else:
            values = np.asarray(X_query)
            values = values.reshape(values.shape[0], -1) if values.ndim != 2 else values
            rows = list(values)
            ids, named = [r.tolist() for r in rows], False
        if self.row_ids is not None:
            ids, named = list(self.row_ids(X_query)), True
            if len(ids) != len(rows):
                raise ValueError(
                    f"row_ids returned {len(ids)} ids for a query of {len(rows)} rows."
                )
        return rows, ids, named

    def _format(self, row):
        if self.show is not None:
            text = self.show(row)
            return "" if text is None else str(text).rstrip("\n") + "\n"
        if isinstance(row, str):
            return visible(row) + "\n"
        if hasattr(row, "index") and hasattr(row, "iloc"):  # a DataFrame row (Series)
            names = [str(name) for name in row.index]
            values = list(row.to_numpy())
        elif sp.issparse(row):
            cols, values = row.indices, row.data
            names = [f"x[{j}]" for j in cols]
            if len(cols) > _MAX_SHOWN:
                names = names[:_MAX_SHOWN] + ["..."]
                values = list(values[:_MAX_SHOWN]) + [f"({len(cols) - _MAX_SHOWN} more)"]
        else:
            values = list(row)
            names = [f"x[{j}]" for j in range(len(values))]
        names = [visible(n) for n in names]
        width = min(max((len(n) for n in names), default=0), 30)
        pairs = zip(names, (visible(v) for v in values), strict=True)
        lines = (f"  {name:<{width}} : {value}\n" for name, value in pairs)
        return "".join(lines)

    def _shortcuts(self):
        return not any(_is_number(c) or _looks_integer(str(c)) for c in self.classes_)

    def _command_word(self, letter, word):
        return word if any(str(c) == letter for c in self.classes_) else letter

    def _menu(self):
        commands = (f"{self._command_word('s', 'skip')} skip, {self._command_word('u', 'undo')} "
                    f"undo, {self._command_word('q', 'quit')} quit")
        if not self.classes_:
            return f"classes: none yet, type a label   ({commands})\n"
        if self._shortcuts():
            names = "  ".join(f"[{k}] {visible(c)}"
                              for k, c in enumerate(self.classes_, start=1))
        else:
            names = ", ".join(visible(c) for c in self.classes_)
        return f"classes: {names}   ({commands})\n"

    def _header(self, row_id, named):
        progress = self.progress
        if progress is None:
            done, total = 0, None
        elif isinstance(progress, numbers.Integral):
            done, total = 0, int(progress)
        else:
            done, total = progress
        k = done + self.n_answered_ + 1
        counter = f"{k}/{total}" if total is not None else f"{k}"
        if self.labeled is not None:
            counter += (f" · {self.labeled + self._n_labeled} labeled · "
                        f"{len(self.classes_)} classes")
        row = f" row {visible(row_id)}" if named else ""
        return f"--- [{counter}]{row} ---\n"

    # ------------------------------------------------------------------ answers
    def _resolve(self, text):
        """The class (or command) meant by ``text``; raises _BadAnswer with a hint."""
        if not text:
            raise _BadAnswer(self._hint())
        classes = self.classes_
        numeric = bool(classes) and all(_is_number(c) for c in classes)
        for c in classes:
            if str(c) == text:
                return c
        if text.lower() in _COMMANDS:
            return _COMMANDS[text.lower()]
        if numeric:
            value = _parse_number(text)
            if value is None:
                raise _BadAnswer(f"The classes are numbers; {text!r} is not one.")
            for c in classes:
                if c == value:
                    return c
            return self._new_class(value)
        folded = [c for c in classes if str(c).casefold() == text.casefold()]
        if len(folded) == 1:
            return folded[0]
        if self._shortcuts() and text.isdigit():
            k = int(text)
            if not 1 <= k <= len(classes):
                raise _BadAnswer(
                    f"There is no class number {k}; choose 1-{len(classes)}."
                    if classes else "There are no numbered classes yet; type a label."
                )
            return classes[k - 1]
        started = [c for c in classes if str(c).casefold().startswith(text.casefold())]
        if len(started) == 1:
            return started[0]
        return self._new_class(text)

    def _new_class(self, value):
        known = ", ".join(str(c) for c in self.classes_) or "none yet"
        reply = self._readline(f"{visible(repr(value))} is not a known class (known: "
                               f"{visible(known)}). "
                               "Add it as a new class? [y/N] ")
        if reply is None:
            return _QUIT
        if reply.lower() not in ("y", "yes"):
            raise _BadAnswer("Not added.")
        self.classes_.append(value)
        return value

    def _hint(self):
        number = " or its number" if self.classes_ and self._shortcuts() else ""
        return (f"Type a class name{number}; s to skip, u to undo the previous answer, "
                "q to stop (your answers are kept).")

    def _ask(self):
        """Read lines until one is a class or a command; echo a class not typed in full."""
        while True:
            text = self._readline("label> ")
            try:
                answer = _QUIT if text is None else self._resolve(text)
            except _BadAnswer as exc:
                self._write(f"{exc}\n")
                continue
            if answer is _HELP:
                self._write(self._hint() + "\n")
                continue
            if not any(answer is c for c in _COMMANDS.values()) and str(answer) != text:
                self._write(f"  = {visible(answer)}\n")
            return answer

    def _count(self, step, skipped):
        self.n_answered_ += step
        if not skipped:
            self._n_labeled += step

    def _undo_earlier(self, answers):
        """``u`` at the start of a batch: nothing to undo here, or an earlier answer."""
        if not (self.undo_earlier and self._log is not None):
            self._write("Nothing to undo in this batch (earlier answers already "
                        "trained the model).\n")
            return
        record = self._log.undo_last(round=self.n_calls_)
        if record is None:
            self._write("Nothing to undo: no answer yet.\n")
            return
        self.undone_ = record
        self._count(-1, bool(record.get("skipped")))
        shown = "skip" if record.get("skipped") else visible(record.get("label"))
        self._write(f"Undone: {shown} (row {visible(record['row'])}); asking that row "
                    "again.\n")
        raise StopLabeling("the annotator took back an earlier answer", labels=list(answers))

    def _record(self, row_id, answer, skipped):
        if self._log is not None:
            self._log.append(row_id, answer, skipped=skipped, round=self.n_calls_)

    def __call__(self, X_query):
        """Ask for the label of every row of ``X_query``, in order.

        Parameters
        ----------
        X_query : {array-like, sparse matrix, DataFrame} or list of str

        Returns
        -------
        labels : ndarray of object of shape (n_queries,)
            ``missing_label`` for skipped rows.

        Raises
        ------
        StopLabeling
            When the annotator stops (``q``, end of input, Ctrl-C); its ``labels`` are
            the answers given for the first rows of this batch.
        """
        self._init_state()
        self.n_calls_ += 1
        self.undone_ = None
        rows, ids, named = self._split(X_query)
        answers, skips = [], []
        while len(answers) < len(rows):
            i = len(answers)
            self._write("\n" + self._header(ids[i], named) + self._format(rows[i]) + self._menu())
            answer = self._ask()
            if answer is _QUIT:
                self._write(f"Stopped; {self.n_answered_} answer(s) kept.\n")
                raise StopLabeling("the annotator stopped labeling", labels=list(answers))
            if answer is _UNDO:
                if not answers:
                    self._undo_earlier(answers)
                    continue
                answers.pop()
                self._count(-1, skips.pop())
                if self._log is not None:
                    self._log.retract(ids[i - 1], round=self.n_calls_)
                self._write("Undone; asking the previous row again.\n")
                continue
            skipped = answer is _SKIP
            if skipped:
                answer = self.missing_label
            self._record(ids[i], answer, skipped)
            answers.append(answer)
            skips.append(skipped)
            self._count(+1, skipped)
        labels = np.empty(len(answers), dtype=object)
        labels[:] = answers
        return labels
