"""Oracles: whoever answers the queries. Any callable ``oracle(X_query) -> labels`` works.

The oracle receives the queried rows in the caller's container (ndarray, CSR matrix,
DataFrame with its index, or a list of strings) and returns one label per row, in order.
Returning ``missing_label`` for a row means "skipped".
"""

from ._base import Oracle, StopLabeling
from ._console import ConsoleOracle
from ._label_file import LabelFile
from ._simulated import SimulatedOracle

__all__ = ["ConsoleOracle", "LabelFile", "Oracle", "SimulatedOracle", "StopLabeling"]
