# isms: `make run` sets everything up and opens the app; `make test` sets up and runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The frozen bundle's stamp and what it is made of (see `package` below). Defined up here: make
# reads a rule's prerequisites as it meets them, and `test` depends on the bundle.
PKG_STAMP := $(VENV)/.package-installed
BUNDLE    := dist/isms/.built
BUNDLE_SOURCES := pyproject.toml $(shell find isms ui packaging -type f -not -path '*/__pycache__/*' \
	\( -name '*.py' -o -name '*.csv' -o -name '*.json' -o -name '*.svg' -o -name '*.mako' \
	   -o -name '*.ini' -o -name '*.spec' -o -name '*.sh' -o -name '*.desktop' -o -name '*.xml' \))

# Debian/Ubuntu libraries Qt needs: the core set, then the X11 (xcb) platform plugin's for a real window.
QT_DEBS := libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
           libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 \
           libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-xinerama0 \
           libxcb-xfixes0 libx11-xcb1
# What the tests use besides: qpdf checks every exported PDF's structure; the PostgreSQL server
# binaries (/usr/lib/postgresql/*/bin), from which the suite starts a throwaway server of its own
# (tests/pg.py). The package's own cluster is not used and needs no running service.
# desktop-file-validate (desktop-file-utils) checks packaging/isms.desktop and the copy
# install.sh writes; makensis (nsis) compiles packaging/windows/isms.nsi so the Windows installer
# script stays valid without a Windows machine (tests/integration/test_desktop_integration.py).
# xvfb: the virtual display `make run` opens the window on where there is no display
# (tests/integration/test_run_app.py).
# pdftotext (poppler-utils) reads every exported PDF back page by page, so the tests can see a
# word, reference or marking split across lines.
TEST_DEBS := qpdf poppler-utils postgresql desktop-file-utils nsis xvfb

.PHONY: run test bench lint setup system-deps display-deps test-deps demo clean package

# No display (a server, a container): Xvfb is installed too, and packaging/run-app.sh opens the
# window on a virtual display and says how to see it and stop it. With a display, or with a Qt
# platform chosen (QT_QPA_PLATFORM), the window just opens.
ifeq ($(strip $(DISPLAY)$(WAYLAND_DISPLAY)$(QT_QPA_PLATFORM)),)
RUN_DEPS := display-deps
endif

run: setup system-deps $(RUN_DEPS)
	packaging/run-app.sh $(BIN)/isms-gui --demo

# The checks first (a broken one stops the run before the suite), then the whole suite with the
# bundle and wheel checks (tests/integration/test_package.py).
test: lint system-deps test-deps $(BUNDLE)
	QT_QPA_PLATFORM=offscreen ISMS_TEST_PACKAGE=1 $(BIN)/pytest

bench: setup system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python tests/bench/run.py $(BENCH_ARGS)

# ruff; mypy strict on isms/ and ui/; the import contract (pyproject.toml [tool.importlinter] and
# tests/contract/runtime.toml: the layers, no Qt in isms, no SQLAlchemy at run time in ui, no
# import loops). All three run, so one pass shows every problem; any failure fails the target.
lint: setup
	@status=0; \
	echo "ruff check isms ui tests packaging"; $(BIN)/ruff check isms ui tests packaging || status=1; \
	echo "mypy (strict: isms, ui)"; $(BIN)/mypy || status=1; \
	echo "import contract"; \
	$(BIN)/lint-imports --no-logo --no-cache pyproject.toml tests/contract/runtime.toml || status=1; \
	[ $$status = 0 ] || echo "make lint: FAILED (see above)"; \
	exit $$status

demo: setup
	$(BIN)/isms demo

setup: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "isms needs Python 3.11 or newer: set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# A frozen one-folder bundle, dist/isms/, with both `isms` and `isms-gui` (packaging/isms.spec),
# then a smoke test of it: each command must exit 0 and write nothing to stderr. The spec also
# renders the icons (packaging/icons.py, into build/icons) and adds isms.ico, share/ (menu entry,
# file type and hicolor icons) and install.sh beside the executables; the loop checks they are.
# The bundle is rebuilt only when something it is made of changed (the stamp is its last step),
# so `make test`, which checks the bundle too, pays the ~70 s build once per change.
$(PKG_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,package]'
	@touch $@

package: setup system-deps $(BUNDLE)
	@echo "dist/isms ($$(du -sh dist/isms | cut -f1)) is built from the current sources"

$(BUNDLE): $(BUNDLE_SOURCES) $(PKG_STAMP)
	@start=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--workpath build --distpath dist packaging/isms.spec || exit 1; \
	echo "Built dist/isms in $$(( $$(date +%s) - start ))s"
	@set -e; err=$$(mktemp); home=$$(mktemp -d); trap 'rm -rf $$err $$home' EXIT; \
	smoke() { \
		echo "smoke: $$*"; \
		if ! env ISMS_DATA_DIR=$$home/data ISMS_LOG_DIR=$$home/log XDG_CONFIG_HOME=$$home/config \
			"$$@" >/dev/null 2>$$err; then echo "FAILED (exit status): $$*"; cat $$err; exit 1; fi; \
		if [ -s $$err ]; then echo "FAILED (wrote to stderr): $$*"; cat $$err; exit 1; fi; \
	}; \
	smoke dist/isms/isms --version; \
	smoke dist/isms/isms selftest; \
	smoke QT_QPA_PLATFORM=offscreen dist/isms/isms-gui --version; \
	smoke QT_QPA_PLATFORM=offscreen dist/isms/isms-gui --selftest
	@for f in isms.ico install.sh share/applications/isms.desktop share/mime/packages/isms.xml \
		share/icons/hicolor/256x256/apps/isms.png share/icons/hicolor/scalable/apps/isms.svg; do \
		[ -s dist/isms/$$f ] || { echo "FAILED: dist/isms/$$f is missing"; exit 1; }; \
	done
	@du -sh dist/isms
	@touch $@

# Installs Debian/Ubuntu packages when run as root; otherwise says what to run.
define install_debs
	@command -v dpkg >/dev/null 2>&1 || exit 0; \
	missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing $(2): $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; \
	else \
		echo "isms needs $(2). Install them with:"; \
		echo "  sudo apt-get install $$(echo $$missing)"; \
		exit 1; \
	fi
endef

system-deps:
	$(call install_debs,$(QT_DEBS),Qt's system libraries)

display-deps:
	$(call install_debs,xvfb,a virtual display for the window (Xvfb; this machine has no display))

test-deps:
	$(call install_debs,$(TEST_DEBS),the test tools)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
