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

# The main job: train Lite-HRNet-18 on the bundled COCO sample, print its COCO AP, test it on the
# sample's detector boxes and draw the skeletons it finds.
POSE_DEMO := configs/pose/demo/litehrnet_18_coco-sample_256x192.py
POSE_DIR := work_dirs/demo/pose_coco
COCO_SAMPLE := data/samples/coco

demo: install
	$(PY) tools/train.py $(POSE_DEMO) --work-dir $(POSE_DIR)
	$(PY) tools/test.py $(POSE_DEMO) $$(cat $(POSE_DIR)/last_checkpoint) --work-dir $(POSE_DIR)
	$(PY) tools/demo/pose_image.py $(POSE_DEMO) $$(cat $(POSE_DIR)/last_checkpoint) \
		--input $(COCO_SAMPLE) --det-file $(COCO_SAMPLE)/test_coco_det_AP_H_56.json \
		--det-ann-file $(COCO_SAMPLE)/test_coco.json --out-dir $(POSE_DIR)/vis

clean-venv:
	rm -rf $(VENV)
