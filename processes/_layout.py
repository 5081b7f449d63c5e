"""Write processes/*.bpmn (BPMN 2.0 with full diagram interchange) and routing.dmn.

    .venv/bin/python processes/_layout.py

The diagrams are described compactly in _layout_complaint.py and _layout_agency.py: every
node sits on a grid cell (column, row) and every sequence flow is drawn with right angles, either
straight, or through the grid lines named in its route (_layout_geometry.py). The generated files
are committed and can be opened and edited in any BPMN modeler (bpmn-js, Camunda Modeler,
SpiffArena); edit the descriptions and re-run this script to regenerate them.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script or loaded by path (the tests): its parts are the _layout_*.py files beside it.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _layout_agency import AGENCY  # noqa: E402
from _layout_bpmn import render  # noqa: E402
from _layout_complaint import COMPLAINT  # noqa: E402
from _layout_dmn import render_dmn  # noqa: E402

__all__ = ["PROCESSES", "main", "render", "render_dmn"]

PROCESSES = [COMPLAINT, AGENCY]


def main() -> None:
    for process in PROCESSES:
        path = HERE / process.file
        path.write_bytes(render(process))
        print(f"wrote {path.relative_to(HERE.parent)}")
    (HERE / "routing.dmn").write_bytes(render_dmn())
    print("wrote processes/routing.dmn")


if __name__ == "__main__":
    main()
