# Run in Pyodide before a memory snapshot is taken (worker.js on the visitor's device, or
# site_config/snapshot.mjs at build time). After a restore, Pyodide's file system is a fresh one
# (its standard library, not our wheel), so every module the engine may import later is imported
# now. The random state is frozen in a snapshot: it is seeded with a constant here, so that two
# builds give the same bytes, and worker.js seeds it again from the browser after each restore.
import importlib
import pkgutil
import sys

WHEEL = "/lib/cap_en_ligne.whl"  # a pure-Python wheel is importable as a zip
if WHEEL not in sys.path:
    sys.path.insert(0, WHEEL)

import cap  # noqa: E402

for module in pkgutil.walk_packages(cap.__path__, "cap."):
    if module.name != "cap.__main__":
        importlib.import_module(module.name)

import csv  # noqa: E402, F401  (imported inside cap.plan's functions)
import io  # noqa: E402, F401
import random  # noqa: E402

random.seed(0)
