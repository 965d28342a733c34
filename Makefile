# Thin wrappers around dev.py, which needs only Python 3 and creates .venv itself.
PYTHON ?= python3

.PHONY: demo test bench lint
demo:
	$(PYTHON) dev.py demo
test:
	$(PYTHON) dev.py test
bench:
	$(PYTHON) dev.py bench
lint:
	$(PYTHON) dev.py lint
