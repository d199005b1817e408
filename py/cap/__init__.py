"""CAP en ligne: the engine of the CAP self-assessment (questionnaire, scores, plan, files).

Standard library only: the same code runs in CPython (CLI, site build) and in Pyodide.
"""

__version__ = "0.1.0"

FORMAT = "cap-evaluation"
FORMAT_VERSION = 2
