"""Verbund: the operating platform of a shared municipal IT service provider."""

import os

# NumPy's OpenBLAS spawns a thread per core for every small solve; on a busy 2-core web or task process that
# made a 100×100 reciprocal-allocation solve 200× slower (bench/costing.py). One thread is right for the
# request-sized linear algebra Verbund does. Set before NumPy is first imported; an operator's value wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
