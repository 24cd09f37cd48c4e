"""A process that writes one format of the look-back (run by workflows.lookback_processes as
`python -m workflows.lookback_worker`, not by hand).

It imports what the formats need as soon as it starts, while the look-back is still being read in
the process that started it; then it reads its work from stdin, one JSON line: {"work": a pickle
file of (the look-back with its long lists as files, the issuer, what carry-over did), "format",
"path": the temporary file to write}. It writes the file and answers on stdout with one JSON line:
{"peak_kib": …} or {"error": "…"} (the traceback goes to stderr). Nothing on stdin (the look-back
was given up) is a quiet exit.
"""

from __future__ import annotations

import json
import pickle
import signal
import sys
import traceback
from pathlib import Path


def peak_kib() -> int:
    """This process's peak resident memory (KiB; 0 where the platform does not tell)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> int:
    # Ctrl-C in a terminal reaches the whole process group: the job decides (it stops its helpers
    # on its way out), so a helper does not die with a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What writing any format needs, imported before the work is given (the job is still counting):
    # the formats' writers and what the look-back unpickles into, none of the database's modules.
    import workflows.lookback_docx
    import workflows.lookback_markdown
    import workflows.lookback_xlsx  # noqa: F401
    from workflows.lookback_formats import write_format
    from workflows.paced_collections import paced_collections

    line = sys.stdin.readline()
    if not line.strip():
        return 0
    try:
        given = json.loads(line)
        with paced_collections(), open(given["work"], "rb") as work:
            lookback, issuer, carried = pickle.load(work)
            write_format(lookback, given["format"], Path(given["path"]), issuer=issuer, carried=carried)
    except Exception as error:  # reported to the parent, which fails the look-back with it
        traceback.print_exc()
        print(json.dumps({"error": str(error) or type(error).__name__}, ensure_ascii=False), flush=True)
        return 1
    print(json.dumps({"peak_kib": peak_kib()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
