# Two commands do everything on a fresh machine with Python 3.11+:
#   make serve   install what is needed, then preview on http://127.0.0.1:8000
#   make test    install what is needed, then run every test
# Everything is installed into .venv/; nothing touches the system Python.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
export NO_MKDOCS_2_WARNING := 1
# The engine that builds and serves: mkdocs, or properdocs (the maintained
# MkDocs 1.x fork, README "Past MkDocs 1.6"): `make serve KB_ENGINE=properdocs`.
# kb/devtools.py reads the same variable for the tests and tools.
KB_ENGINE ?= mkdocs
ENGINE = $(if $(filter $(KB_ENGINE),mkdocs properdocs),$(BIN)/$(KB_ENGINE),$(error KB_ENGINE=$(KB_ENGINE): use mkdocs or properdocs))

.PHONY: serve preview test test-properdocs build offline article anchors clean lint fuzz

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

serve: $(STAMP)
	$(ENGINE) serve --config-file mkdocs.yml --dev-addr 127.0.0.1:8000

# Fast preview of a large site: only the pages you save are rebuilt.
preview: $(STAMP)
	$(ENGINE) serve --config-file mkdocs.yml --dirty --dev-addr 127.0.0.1:8000

build: $(STAMP)
	$(ENGINE) build --config-file mkdocs.yml --strict

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) chromium $(NODE_STAMP)
	$(BIN)/python -m pytest tests

# The same site built strictly with ProperDocs (README "Past MkDocs 1.6"):
# the engine's own tests, the content and index tests on its build, both
# previews (full and --dirty) with a bad save and its fix, a new article,
# and the browser tests of every page (console errors, foreign requests),
# search and the phone menu. CI runs it after `make test`.
PROPERDOCS_TESTS := test_engine.py test_content.py test_indexes.py test_serve.py test_new_article.py \
	test_browser_basics.py test_mkdocs_adapter.py
test-properdocs: $(STAMP) chromium $(NODE_STAMP)
	KB_ENGINE=properdocs $(BIN)/python -m pytest $(addprefix tests/,$(PROPERDOCS_TESTS))

# The property-based tests (tests/test_fuzz.py) at length: thousands of random
# pages, front matter and registries instead of CI's fixed few dozen.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_fuzz.py

# axe-core (accessibility test), pinned in package-lock.json.
$(NODE_STAMP): package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq nodejs npm; } \
	  || { echo "The accessibility test needs Node.js and npm: sudo apt-get install -y nodejs npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

# The browser tests drive Debian's Chromium (Playwright cannot download its
# own browser here); the print test reads PDFs with pdftotext (poppler-utils);
# the HTML validity test runs the Nu HTML Checker (vnu.jar) on Java; the text-mode
# test reads pages with w3m.
# Installed when missing and we are root; otherwise say how. Java comes before
# `npm ci`: without it, vnu-jar's postinstall would download a runtime itself.
.PHONY: chromium
chromium:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null || ! command -v java >/dev/null || ! command -v w3m >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium poppler-utils default-jre-headless w3m; \
	  else echo "The tests need Chromium, pdftotext, Java and w3m: sudo apt-get install -y chromium poppler-utils default-jre-headless w3m" >&2; exit 1; fi; \
	fi

# The offline edition: dist/cx-knowledge-base-offline.zip, works from file://
offline: $(STAMP)
	$(BIN)/python -m kb offline

# Scaffold an article: make article TITLE="The title" AUTHOR="Jane Doe" [THEMES=journey,culture]
article: $(STAMP)
	$(BIN)/python -m kb new "$(TITLE)" --author "$(AUTHOR)" $(if $(THEMES),--themes "$(THEMES)")

# After adding articles, headings or paragraphs: register the new anchors.
anchors: $(STAMP)
	$(BIN)/python -m kb anchors

clean:
	rm -rf site $(VENV)
