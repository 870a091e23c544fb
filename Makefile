# Factdesk: `make run` serves the desk, `make test` runs the suite. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run worker test lint bench eval eval-match schema messages train train-match clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Factdesk needs Python 3.11 or newer; set PYTHON=python3.11 (found " + sys.version.split()[0] + ").")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(RUNTIME_STAMP)

## run: install, migrate, load the demo, serve web + worker + beat on http://127.0.0.1:8000
run: $(RUNTIME_STAMP)
	$(PY) -m project.stack run

## worker: one more Celery worker on the configured broker (REDIS_URL, or the running embedded one)
worker: $(RUNTIME_STAMP)
	$(PY) -m project.stack worker

## test: install the dev tools and run the whole suite
test: $(DEV_STAMP)
	$(PY) -m pytest

## lint: ruff, then the import contracts of pyproject.toml (dependencies point one way)
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: $(DEV_STAMP)
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

## eval: score the engine on ../shared/eval/dev and print the README's table
eval: $(DEV_STAMP)
	$(PY) bench/eval_dev.py

## eval-match: score claim matching (BM25, encoder, fusion, re-ranker) on ../shared/claimmatch/dev.jsonl
eval-match: $(DEV_STAMP)
	$(PY) bench/eval_claimmatch.py

TRAIN_VENV := .venv-train
TRAIN_PY := $(TRAIN_VENV)/bin/python
TRAIN_STAMP := $(TRAIN_VENV)/.train-installed

$(TRAIN_STAMP): training/requirements-train.txt
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_PY) -m pip install --quiet -r training/requirements-train.txt
	@touch $@

## train: train the stance model on ../shared/eval/train (~80 min on two cores), export int8 ONNX, fit the combiner
train: $(TRAIN_STAMP)
	HF_HUB_OFFLINE=1 $(TRAIN_PY) training/train_stance.py --data-dir ../shared/eval/train --out-dir var/stance_train
	$(TRAIN_PY) training/export_onnx.py --train-dir var/stance_train --artifact-dir verification/engine/stance_model/artifact
	$(TRAIN_PY) training/fit_combiner.py --artifact-dir verification/engine/stance_model/artifact

## train-match: fine-tune the claim-matching encoder and re-ranker on ../shared/claimmatch/train.jsonl
## (about 3 minutes on one GPU, hours on two busy cores), export both to int8 ONNX
train-match: $(TRAIN_STAMP)
	HF_HUB_OFFLINE=1 $(TRAIN_PY) training/pack_minilm.py --out var/minilm_packed
	$(TRAIN_PY) training/train_claimmatch.py --base-dir var/minilm_packed --data-dir ../shared/claimmatch --out-dir var/claimmatch_train
	HF_HUB_OFFLINE=1 $(TRAIN_PY) training/export_claimmatch.py --train-dir var/claimmatch_train
	HF_HUB_OFFLINE=1 $(TRAIN_PY) training/export_encoder.py --model-dir var/claimmatch_train/encoder --name "all-MiniLM-L6-v2 fine-tuned on claimmatch train.jsonl"

## schema: regenerate the committed OpenAPI schema (always from the embedded SQLite default)
schema: $(DEV_STAMP)
	DATABASE_URL= $(PY) manage.py spectacular --file schema.yml --validate --fail-on-warn

LANGUAGES := es fr de pt_BR ar
MESSAGES_OPTIONS := $(foreach language,$(LANGUAGES),-l $(language)) --add-location=file --no-obsolete \
	--ignore=.venv --ignore=.venv-train --ignore=var --ignore=tests --ignore=bench --ignore=training \
	--ignore=docs --ignore='*/migrations/*'

## messages: bring the translation catalogs (locale/) up to date with the code and compile them
messages: $(DEV_STAMP)
	$(PY) manage.py makemessages $(MESSAGES_OPTIONS)
	$(PY) manage.py makemessages -d djangojs $(MESSAGES_OPTIONS)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.venv-train --ignore=var

clean:
	rm -rf $(VENV) $(TRAIN_VENV) var
