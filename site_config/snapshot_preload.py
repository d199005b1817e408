# Run in Pyodide before a memory snapshot is taken (worker.js on the visitor's device, or
# site_config/snapshot.mjs at build time). After a restore, Pyodide's file system is a fresh one:
# worker.js writes the wheel there again (so a module imported later is found), and the modules
# the browser's operations import inside functions are imported now, so they are in the snapshot.
# The random state is frozen in a snapshot: it is seeded with a constant here, so that two builds
# give the same bytes, and worker.js seeds it again from the browser after each restore.
import sys

WHEEL = "/lib/cap_en_ligne.whl"  # a pure-Python wheel is importable as a zip
if WHEEL not in sys.path:
    sys.path.insert(0, WHEEL)

import csv  # noqa: E402, F401  (cap.plan imports csv and io inside a function)
import importlib  # noqa: E402
import io  # noqa: E402, F401
import random  # noqa: E402
import zipfile  # noqa: E402

# Every module of the package (some are imported inside the operations that need them: odt,
# compact, network_view, synthesis…): one imported only after a restore would have to be read from
# the wheel again, and a module missed here once broke the synthesis page offline.
with zipfile.ZipFile(WHEEL) as wheel:
    MODULES = sorted(name[len("cap/"):-len(".py")] for name in wheel.namelist()
                     if name.startswith("cap/") and name.endswith(".py") and name.count("/") == 1
                     and name != "cap/__main__.py")
for module in MODULES:
    importlib.import_module("cap" if module == "__init__" else f"cap.{module}")

random.seed(0)
