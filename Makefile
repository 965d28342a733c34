# Thin wrappers around dev.py, which needs only Python 3 and creates .venv itself.
PYTHON ?= python3

.PHONY: demo test docs bench lint
demo:
	$(PYTHON) dev.py demo
test:
	$(PYTHON) dev.py test
docs:
	$(PYTHON) dev.py docs
bench:
	$(PYTHON) dev.py bench
lint:
	$(PYTHON) dev.py lint
