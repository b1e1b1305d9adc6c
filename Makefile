# `make demo` and `make test` create .venv on first use and install everything into it.
# The stamp file is written only after every install step has succeeded, so a failed or
# interrupted install is redone by the next `make`, never trusted.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.install-complete
REQUIREMENTS := $(wildcard requirements/*.txt) setup.py

fail = { echo "make install: $(1) failed (see the output above); fix it and run make again." >&2; exit 1; }

.PHONY: install test demo clean-venv

install: $(STAMP)

$(STAMP): $(REQUIREMENTS)
	@rm -f $(STAMP)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || $(call fail,creating $(VENV))
	@# Keep a torch that already imports (a CUDA build on a GPU machine); else the pinned CPU one.
	@$(PY) -c "import torch" 2>/dev/null || $(PIP) install -r requirements/torch.txt \
		|| $(call fail,installing torch)
	$(PIP) install -r requirements/build.txt || $(call fail,installing the build requirements)
	@$(PY) -c "import mmcv.ops" 2>/dev/null || MMCV_WITH_OPS=1 $(PIP) install \
		--no-build-isolation mmcv==2.1.0 || $(call fail,building mmcv 2.1.0 with its ops)
	$(PIP) install --no-build-isolation --no-binary xtcocotools xtcocotools==1.14.3 \
		|| $(call fail,building xtcocotools from source)
	$(PIP) install -r requirements/runtime.txt -r requirements/tests.txt \
		|| $(call fail,installing the runtime and test requirements)
	$(PIP) install --no-build-isolation --no-deps -e . || $(call fail,installing this project)
	@$(PY) -c "import mmcv.ops, mmseg.models, xtcocotools.coco, litehrnet, pose, seg" \
		|| $(call fail,the import check)
	@touch $(STAMP)

test: install
	$(PY) -m pytest tests -q

demo: install
	$(PY) tools/analysis/complexity.py --variant litehrnet_18 --shape 256 192

clean-venv:
	rm -rf $(VENV)
