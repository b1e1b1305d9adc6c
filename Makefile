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

.PHONY: install test test-fast demo demo-pose demo-seg demo-detector demo-multitask clean-venv

install: $(STAMP)

$(STAMP): $(REQUIREMENTS)
	@rm -f $(STAMP)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || $(call fail,creating $(VENV))
	@# Keep a torch that already imports (a CUDA build on a GPU machine); else the pinned CPU one.
	@# Every install is held to requirements/constraints.txt, the versions of the verified stack.
	@$(PY) -c "import torch" 2>/dev/null || $(PIP) install -r requirements/torch.txt \
		-c requirements/constraints.txt || $(call fail,installing torch)
	$(PIP) install -r requirements/build.txt -c requirements/constraints.txt \
		|| $(call fail,installing the build requirements)
	@$(PY) -c "import mmcv.ops" 2>/dev/null || MMCV_WITH_OPS=1 $(PIP) install \
		--no-build-isolation -c requirements/constraints.txt mmcv==2.1.0 \
		|| $(call fail,building mmcv 2.1.0 with its ops)
	$(PIP) install --no-build-isolation --no-binary xtcocotools -c requirements/constraints.txt \
		xtcocotools==1.14.3 || $(call fail,building xtcocotools from source)
	$(PIP) install -r requirements/runtime.txt -r requirements/deploy.txt \
		-r requirements/detection.txt -r requirements/tests.txt -c requirements/constraints.txt \
		|| $(call fail,installing the runtime, deploy, detection and test requirements)
	$(PIP) install --no-build-isolation --no-deps -e . || $(call fail,installing this project)
	@$(PY) -c "import mmcv.ops, mmseg.models, mmdet.models, xtcocotools.coco, litehrnet, engine, pose, seg" \
		|| $(call fail,the import check)
	@$(PY) tools/misc/check_installed_versions.py || $(call fail,the check of the installed versions)
	@touch $(STAMP)

# Every lane (pytest.ini: unit, subprocess, distributed, slow); the 15 slowest tests at the end.
test: install
	$(PY) -m pytest tests -q --durations=15

# The unit lane: in-process tests of the code, under two minutes on two cores.
test-fast: install
	$(PY) -m pytest tests -q -m unit

# The main job. Pose: train Lite-HRNet-18 on the bundled COCO sample, print its COCO AP, test it
# on the sample's detector boxes and draw the skeletons it finds. Segmentation: train
# Lite-HRNet-18 + FCN on the bundled Cityscapes frame and ADE20K images, print how mIoU rose
# over training, and paint the predicted classes over an image.
POSE_DEMO := configs/pose/demo/litehrnet_18_coco-sample_256x192.py
POSE_DIR := work_dirs/demo/pose_coco
COCO_SAMPLE := data/samples/coco
CITYSCAPES_DEMO := configs/seg/demo/fcn_litehrnet-18_cityscapes-sample.py
CITYSCAPES_DIR := work_dirs/demo/seg_cityscapes
CITYSCAPES_IMAGE := data/samples/cityscapes/leftImg8bit/val/frankfurt/frankfurt_000000_000294_leftImg8bit.png
ADE20K_DEMO := configs/seg/demo/fcn_litehrnet-18_ade20k-sample.py
ADE20K_DIR := work_dirs/demo/seg_ade20k
ADE20K_IMAGE := data/samples/ade20k/ADEChallengeData2016/images/validation/ADE_val_00000001.jpg
DET_DEMO := configs/det/demo/rtmdet_litehrnet-18-hrfpn_coco-person-sample.py
DET_DIR := work_dirs/demo/det_coco
MASK_DEMO := configs/pose/demo/litehrnet_18_mask_coco-sample_256x192.py
MASK_DIR := work_dirs/demo/pose_coco_mask

demo: demo-pose demo-seg

demo-pose: install
	$(PY) tools/train.py $(POSE_DEMO) --work-dir $(POSE_DIR)
	$(PY) tools/analysis/metric_history.py $(POSE_DIR) --key coco/AP
	$(PY) tools/test.py $(POSE_DEMO) $$(cat $(POSE_DIR)/last_checkpoint) --work-dir $(POSE_DIR)
	$(PY) tools/demo/pose_demo.py $(POSE_DEMO) $$(cat $(POSE_DIR)/last_checkpoint) \
		--input $(COCO_SAMPLE) --det-file $(COCO_SAMPLE)/test_coco_det_AP_H_56.json \
		--det-ann-file $(COCO_SAMPLE)/test_coco.json --out-dir $(POSE_DIR)/vis
	$(PY) tools/analysis/plot_curves.py $(POSE_DIR) --keys loss coco/AP \
		--out $(POSE_DIR)/vis/curves.png

demo-seg: install
	$(PY) tools/train.py $(CITYSCAPES_DEMO) --work-dir $(CITYSCAPES_DIR)
	$(PY) tools/analysis/metric_history.py $(CITYSCAPES_DIR) --key mIoU
	$(PY) tools/demo/seg_image.py $(CITYSCAPES_IMAGE) $(CITYSCAPES_DEMO) \
		$$(cat $(CITYSCAPES_DIR)/last_checkpoint) --out $(CITYSCAPES_DIR)/vis/overlay.png
	$(PY) tools/train.py $(ADE20K_DEMO) --work-dir $(ADE20K_DIR)
	$(PY) tools/analysis/metric_history.py $(ADE20K_DIR) --key mIoU
	$(PY) tools/demo/seg_image.py $(ADE20K_IMAGE) $(ADE20K_DEMO) \
		$$(cat $(ADE20K_DIR)/last_checkpoint) --out $(ADE20K_DIR)/vis/overlay.png
	$(PY) tools/analysis/plot_curves.py $(CITYSCAPES_DIR) $(ADE20K_DIR) --x iter \
		--labels cityscapes ade20k --keys loss mIoU --out work_dirs/demo/seg_curves.png

# The offline person detector: the Lite-HRNet-18 detector trained on the bundled COCO sample,
# its backbone taken from the pose demo's model (demo-pose runs first when it has not), then
# the pose demo finding the people of the sample photos with it and drawing their poses.
demo-detector: install
	@test -s $(POSE_DIR)/last_checkpoint || $(MAKE) demo-pose
	$(PY) tools/train.py $(DET_DEMO) --work-dir $(DET_DIR) \
		--load-from $$(cat $(POSE_DIR)/last_checkpoint) --allow-partial-load
	$(PY) tools/demo/pose_demo.py $(POSE_DEMO) $$(cat $(POSE_DIR)/last_checkpoint) \
		--input $(COCO_SAMPLE) --det-config $(DET_DEMO) \
		--det-checkpoint $$(cat $(DET_DIR)/last_checkpoint) --draw-bbox --out-dir $(DET_DIR)/vis

# The multi-task model (docs/multitask.md): Lite-HRNet-18 with a mask head trained on the COCO
# sample's keypoints and person polygons at once; prints how keypoint AP and mask AP rose, tests
# it on the sample's detector boxes and draws the skeletons over their silhouettes.
demo-multitask: install
	$(PY) tools/train.py $(MASK_DEMO) --work-dir $(MASK_DIR)
	$(PY) tools/analysis/metric_history.py $(MASK_DIR) --key coco/AP
	$(PY) tools/analysis/metric_history.py $(MASK_DIR) --key coco/mask_AP
	$(PY) tools/test.py $(MASK_DEMO) $$(cat $(MASK_DIR)/last_checkpoint) --work-dir $(MASK_DIR)
	$(PY) tools/demo/pose_demo.py $(MASK_DEMO) $$(cat $(MASK_DIR)/last_checkpoint) \
		--input $(COCO_SAMPLE) --det-file $(COCO_SAMPLE)/test_coco_det_AP_H_56.json \
		--det-ann-file $(COCO_SAMPLE)/test_coco.json --draw-mask --out-dir $(MASK_DIR)/vis
	$(PY) tools/analysis/plot_curves.py $(MASK_DIR) --keys loss coco/AP coco/mask_AP \
		--out $(MASK_DIR)/vis/curves.png

clean-venv:
	rm -rf $(VENV)
