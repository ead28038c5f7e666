# Two commands: `make site` and `make test`. Both set up what is missing first.
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
SYSPKGS   :=
PYTHON    ?= python3
LOCKVENV  := .cache/lockvenv
PIPTOOLS  := pip-tools==7.6.2

.PHONY: setup system site test test-fast lint serve edit bench schemas clean lock

# Decap CMS (the form-based editor at /admin/ of the preview) and its local backend, pinned in cms/
CMS := cms/node_modules/.package-lock.json

setup: system $(STAMP) $(CMS)

$(CMS): cms/package.json cms/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "缺少 npm（Node.js）/ npm is missing: sudo apt-get install -y nodejs npm" >&2; exit 1; }
	npm ci --prefix cms --no-audit --no-fund --silent

system:
	@sh scripts/setup-system.sh $(SYSPKGS)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

site: setup
	$(VENV)/bin/rightsite build

AXE := tests/browser/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent

test: SYSPKGS = chromium
test: setup $(AXE)
	$(VENV)/bin/python -m pytest -q -n auto

test-fast: setup
	$(VENV)/bin/python -m pytest -q -n auto -m "not slow and not browser"

# ruff and mypy (configured in pyproject.toml); both run, and any finding fails
lint: setup
	@status=0; $(VENV)/bin/ruff check scripts tests || status=1; $(VENV)/bin/mypy || status=1; exit $$status

serve: setup
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve -a 127.0.0.1:8000 --livereload --dirty --no-strict

# The preview plus the form-based editor: http://127.0.0.1:8000/admin/ saves records into the
# working tree through decap-server (Decap's local backend) on 127.0.0.1:8081. Ctrl-C stops both.
# EDIT_ROOT, PREVIEW_PORT and CMS_PORT let the browser tests run it on a copy of a project.
EDIT_ROOT    ?= $(CURDIR)
PREVIEW_PORT ?= 8000
CMS_PORT     ?= 8081

edit: setup
	@echo "编辑器 editor: http://127.0.0.1:$(PREVIEW_PORT)/admin/  （Ctrl-C 结束 / stop）"
	@BIND_HOST=127.0.0.1 PORT=$(CMS_PORT) MODE=fs GIT_REPO_DIRECTORY="$(EDIT_ROOT)" LOG_LEVEL=warn \
	  node "$(CURDIR)/cms/node_modules/decap-server/dist/index.js" & cms=$$!; \
	  trap 'kill $$cms 2>/dev/null' EXIT INT TERM; \
	  cd "$(EDIT_ROOT)" && RIGHTSITE_CMS_PORT=$(CMS_PORT) NO_MKDOCS_2_WARNING=1 \
	  "$(CURDIR)/$(VENV)/bin/mkdocs" serve -f "$(EDIT_ROOT)/mkdocs.yml" -a 127.0.0.1:$(PREVIEW_PORT) --livereload --dirty --no-strict

# the bench compares today's search with Pagefind (its extended binary, for Chinese) on the same
# pages: Pagefind is a tool of the bench only, in a virtualenv of its own, never part of the site
PAGEFIND := .cache/pagefind/bin/python

$(PAGEFIND):
	$(PYTHON) -m venv .cache/pagefind
	.cache/pagefind/bin/pip install -q --disable-pip-version-check 'pagefind[extended]==1.5.2'

bench: SYSPKGS = chromium
bench: setup $(PAGEFIND)
	RIGHTSITE_PAGEFIND="$(CURDIR)/$(PAGEFIND) -m pagefind" $(VENV)/bin/python -m rightsite.bench $(BENCHARGS)

schemas: setup
	$(VENV)/bin/python -m rightsite.schemas --write

# Re-pin after changing dependencies in pyproject.toml (needs the registry): the dependencies and
# the test and lint extras, with the hash of every file. Existing pins are kept; to move one:
# make lock LOCKARGS="--upgrade-package mypy"
lock:
	@test -x $(LOCKVENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCKVENV) && $(LOCKVENV)/bin/pip install -q $(PIPTOOLS); }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCKVENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-index-url --no-emit-find-links --extra test --extra lint -o requirements.lock $(LOCKARGS) pyproject.toml

clean:
	rm -rf site .site-builds .cache
