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
import io  # noqa: E402, F401
import random  # noqa: E402

import cap.browser  # noqa: E402
import cap.evolution  # noqa: E402  (cap.browser imports it inside op_evolution)
import cap.synthesis  # noqa: E402  (cap.browser imports it inside op_synthesis)
import cap.fmt  # noqa: E402, F401  (cap.plan imports it inside a function)

random.seed(0)
