# Two commands on a fresh machine with python3 (3.11+): `make report` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/sample
PERIOD ?=
OUT ?= reports

.PHONY: report test test-simulations lint format bench clean-reports sample lab metrics-doc

# create .venv if missing and install shoplab with its dev extras (re-run when pyproject.toml changes)
$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "shoplab needs Python 3.11 or newer; set PY=python3.11")'
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

# the deterministic sample shop (generated once; delete data/sample to regenerate)
$(SAMPLE)/_truth.json: | $(STAMP)
	$(BIN)/shoplab sample --out $(SAMPLE)

sample: $(SAMPLE)/_truth.json

# render the monthly reports for the sample's latest complete month (or PERIOD=YYYY-MM)
report: $(STAMP) $(SAMPLE)/_truth.json
	$(BIN)/shoplab report --source $(SAMPLE) --out $(OUT) $(if $(PERIOD),--period $(PERIOD),)

# lint, then every test: unit, notebooks (nbval on the sample shop), end to end
test: $(STAMP) $(SAMPLE)/_truth.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest --nbval-lax --nbval-current-env --durations=25 tests notebooks

# the long coverage simulations (A/A placebos, interval coverage) that make test runs in short form
test-simulations: $(STAMP) $(SAMPLE)/_truth.json
	$(BIN)/pytest --simulations -m simulation tests

# JupyterLab on notebooks/ with the sample shop: each notebook's default source "sample" is data/sample
lab: $(STAMP) $(SAMPLE)/_truth.json
	SHOPLAB_DATA_DIR=$(CURDIR)/data $(BIN)/jupyter lab --notebook-dir=notebooks

# docs/metrics.md from the METRICS of each report's metrics module (a test fails when the file drifts)
metrics-doc: $(STAMP)
	$(BIN)/python -c "import shoplab.metrics as m; print(m.markdown(), end='')" > docs/metrics.md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# the scale benchmark: the monthly report and the heavy helpers at 1M, 10M and 100M events against pandas
# (see docs/benchmarks.md; SIZES=1M,10M for a shorter run)
SIZES ?= 1M,10M,100M
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes $(SIZES)

clean-reports:
	rm -rf $(OUT)/*/
