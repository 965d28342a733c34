"""A CSV file for the ``skactive`` command: header, rows, labels and row fingerprints."""

import codecs
import collections
import csv
import hashlib
import json
import os

import numpy as np

from ..utils._terminal import visible
from ._safety import UsageError, write_atomic

UNLABELED = ""  # y marks unlabeled rows with this, whatever --missing-label says


class Table:
    """The rows of a CSV, the label column, and each row's content fingerprint.

    ``fingerprints[i]`` hashes the non-label cells of row ``i``; ``slots[i]`` tells
    identical rows apart (0 for the first row with that content, 1 for the next ...).
    Answers are stored under ``(fingerprint, slot)``, so they follow their rows when the
    CSV is sorted or rows are inserted or deleted.
    """

    def __init__(self, path, label_column, *, encoding="utf-8", missing_label=""):
        self.path = path
        self.header, self.rows = read_csv(path, encoding)
        self.label_column = label_column
        self.label_idx = column_index(self.header, label_column, "--label-column")
        missing = {UNLABELED, missing_label.strip()}
        cells = [r[self.label_idx].strip() for r in self.rows]
        self.y_csv = np.array([UNLABELED if c in missing else c for c in cells], dtype=object)
        self.y = self.y_csv.copy()
        self.fingerprints = [self.fingerprint(r) for r in self.rows]
        seen = collections.Counter()
        self.slots = []
        for fp in self.fingerprints:
            self.slots.append(seen[fp])
            seen[fp] += 1
        self.position = {(fp, k): i for i, (fp, k)
                         in enumerate(zip(self.fingerprints, self.slots, strict=True))}

    def fingerprint(self, row, header=None):
        """A hash of the non-label cells (by column name, so column order does not matter)."""
        header = self.header if header is None else header
        pairs = sorted((h, cell.strip()) for h, cell in zip(header, row, strict=False)
                       if h != self.label_column)
        text = json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def identity(self, i):
        return {"fingerprint": self.fingerprints[i], "slot": self.slots[i],
                "column": self.label_column}

    def show(self, i):
        row = self.rows[i]  # padded to the header's length
        shown = [(visible(h), visible(row[j])) for j, h in enumerate(self.header)
                 if j != self.label_idx]
        width = min(max(len(h) for h, _ in shown), 30)
        return "\n".join(f"  {h:<{width}} : {cell}" for h, cell in shown)

    def write(self, path, *, row_ids=None):
        """Write the rows (all, or ``row_ids`` in that order) with ``y`` filled in, as UTF-8."""
        header = self.header if row_ids is None else ["row_id"] + self.header
        order = range(len(self.rows)) if row_ids is None else row_ids

        def lines():
            yield header
            for i in order:
                row = list(self.rows[i])
                if self.y[i] != UNLABELED and self.y_csv[i] == UNLABELED:
                    row[self.label_idx] = self.y[i]
                yield row if row_ids is None else [i] + row

        write_atomic(path, lines())


def read_csv(path, encoding="utf-8"):
    """Header and rows (padded to the header's length) of a CSV; one-line errors."""
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such file.")
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise UsageError(f"--encoding {encoding!r} is not an encoding Python knows.") from None
    codec = "utf-8-sig" if codec == "utf-8" else codec  # a byte-order mark is not a name
    try:
        with open(path, newline="", encoding=codec) as f:
            return _parse(path, csv.reader(f))
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path} is not valid {encoding} (byte {exc.object[exc.start:exc.start + 1]!r} "
            f"at offset {exc.start}); pass its encoding, e.g. --encoding latin-1."
        ) from None
    except csv.Error as exc:
        raise UsageError(f"{path}: not a readable CSV ({exc}).") from None


def _parse(path, reader):
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


def column_index(header, name, option):
    if name not in header:
        raise UsageError(f"{option} {visible(name)!r} is not a column of the CSV (columns: "
                         f"{visible(', '.join(header))}).")
    return header.index(name)
