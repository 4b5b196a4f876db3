# Zhucun — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Celery queues a worker consumes (README "Scaling out"): one machine runs all of them.
QUEUES ?= intake,reports,celery

.DEFAULT_GOAL := help
WHEELHOUSE ?= wheelhouse
LOCK ?= requirements.lock
.PHONY: help install run worker test test-fast lint fmt messages bench clean lock wheelhouse offline-check serve backup restore

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

# Installs come from the lock files only (exact versions, every file checked against its hash).
# The application itself runs from this folder, so only its dependencies are installed.
$(VENV)/.installed: requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed ## Create the virtualenv and install the locked runtime and dev dependencies

lock: ## Regenerate requirements.lock and requirements-dev.lock (pinned, with hashes) from pyproject.toml
	@test -x $(VENV)/bin/uv || { test -x $(PY) || $(PYTHON) -m venv $(VENV); $(PIP) install --quiet "uv>=0.5,<0.11"; }
	$(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.11 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --quiet --extra dev --generate-hashes --universal --python-version 3.11 -o requirements-dev.lock
	@echo "已更新 requirements.lock 与 requirements-dev.lock；请提交这两个文件"

wheelhouse: ## Download every wheel of the lock into wheelhouse/ for an offline install (LOCK=requirements-dev.lock for the dev tools too)
	rm -rf $(WHEELHOUSE) && mkdir -p $(WHEELHOUSE)
	$(VENV)/bin/pip download --quiet --require-hashes --only-binary=:all: -r $(LOCK) -d $(WHEELHOUSE)
	cp $(LOCK) $(WHEELHOUSE)/requirements.lock
	@echo "离线安装：pip install --no-index --find-links $(WHEELHOUSE) --require-hashes -r $(WHEELHOUSE)/requirements.lock"

offline-check: install ## Build the wheelhouse and prove it installs into a fresh venv with no index (CI runs it once)
	ZHUCUN_OFFLINE_TEST=1 $(VENV)/bin/pytest -m offline tests/ops/test_offline_install.py

run: install ## Migrate, load the demo county and serve on http://127.0.0.1:8000 (embedded unless DATABASE_URL/REDIS_URL are set)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --if-empty
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL 已设置：启动 Celery worker 和 beat（日志 celery.log）"; \
	  $(VENV)/bin/celery -A config worker -B -Q $(QUEUES) --loglevel=INFO --logfile=celery.log --pidfile= & \
	  trap "kill $$! 2>/dev/null" EXIT; \
	  $(PY) manage.py runserver $(HOST):$(PORT); \
	else \
	  echo "嵌入式运行：SQLite，Celery 任务即时执行"; \
	  $(PY) manage.py runserver $(HOST):$(PORT); \
	fi

serve: install ## Production: migrate, collectstatic, then gunicorn + a Celery worker + one beat (needs DJANGO_DEBUG=0, DATABASE_URL, REDIS_URL …)
	@$(PY) -c 'import os, django; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings"); django.setup(); \
	  from django.conf import settings as s; raise SystemExit(0 if not s.DEBUG and s.REDIS_URL else \
	  "make serve 用于生产：请在环境或 .env 中设置 DJANGO_DEBUG=0、DJANGO_SECRET_KEY、DJANGO_ALLOWED_HOSTS、DATABASE_URL 和 REDIS_URL")'
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@$(VENV)/bin/celery -A config worker -Q $(QUEUES) --loglevel=INFO & W=$$!; \
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=$${ZHUCUN_BEAT_SCHEDULE:-celerybeat-schedule} & B=$$!; \
	trap 'kill $$W $$B 2>/dev/null; wait' EXIT INT TERM; \
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi

worker: install ## Run a Celery worker with beat on QUEUES (default intake,reports,celery; needs REDIS_URL)
	$(VENV)/bin/celery -A config worker -B -Q $(QUEUES) --loglevel=INFO

browser: ## Install Debian's Chromium for the browser tests when missing (root only; skipped otherwise)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null 2>&1)) \
	  || echo "未安装 Chromium：浏览器测试将跳过"; }

test: install browser ## Lint, check migrations and run the whole test suite
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

test-fast: install ## Run the tests without the lint and browser steps
	$(VENV)/bin/pytest -x

lint: install ## ruff check + format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install ## Extract and compile the translation catalogues (needs gettext)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet ".[bench]"
	touch $@

# SCALE=nation: the province inside 15 provinces, three months deep (hours; database zhucun_bench_nation);
# SCALE=nation-lite: the same run at a tenth of the density (minutes).
SCALE ?= province
BENCH_DB := $(if $(filter province,$(SCALE)),zhucun_bench,zhucun_bench_$(subst -,_,$(SCALE)))

bench: install $(VENV)/.bench-installed ## Province-scale benchmark on PostgreSQL (default database zhucun_bench) with its peers; writes bench-results.json. SCALE=nation: a province inside the nation
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$(BENCH_DB)} $(PY) manage.py bench --scale $(SCALE)

backup: install ## Back up the database and uploaded files into OUT (default backups/YYYYmmdd-HHMMSS)
	$(PY) manage.py backup --out $${OUT:-backups/$$(date +%Y%m%d-%H%M%S)}

restore: install ## Restore the backup folder DIR=… into the configured (empty) database and media folder
	@test -n "$(DIR)" || { echo "用法：make restore DIR=backups/20261203-020000"; exit 1; }
	$(PY) manage.py restore $(DIR)

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
