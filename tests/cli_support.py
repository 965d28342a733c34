"""Helpers shared by the tests of the ``skactive`` command (not a test module)."""

import csv
import subprocess
import sys

from skactive.oracles import LabelFile


def run(args, stdin="", cwd=None):
    return subprocess.run([sys.executable, "-m", "skactive", *map(str, args)], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def label_args(path, budget, batch_size, *extra):
    return ["label", path, "--label-column", "y", "--budget", budget, "--batch-size",
            batch_size, "--random-state", "0", *extra]


def log_path(csv_path):
    return csv_path.with_name(csv_path.stem + ".labels.jsonl")


def answers(csv_path):
    """The answer records of the log (not its notes, such as the order of the classes)."""
    return [r for r in LabelFile(log_path(csv_path)).records() if "row" in r]


def answer(csv_path, row, label, *, skipped=False, column="y"):
    """Log an answer for ``row`` of ``csv_path`` as a session would (with its fingerprint)."""
    from skactive._cli._table import Table

    log = LabelFile(log_path(csv_path))
    log.append(row, label, skipped=skipped, **Table(csv_path, column).identity(row))
