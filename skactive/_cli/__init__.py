"""The ``skactive`` command's private parts; :mod:`skactive.cli` is its entry point."""
