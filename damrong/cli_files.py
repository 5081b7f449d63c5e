"""The files `damrong deploy` reads: BPMN, DMN and form JSON files, folders, and zips (an
archive from `damrong processes export`, or any zip of diagrams and forms, read safely)."""

from __future__ import annotations

from pathlib import Path

from engine.workflow import archive, definitions, safezip


def read_paths(paths: list[str]) -> dict[str, str]:
    """The files to deploy from paths: BPMN, DMN and form JSON files, folders, or a zip (an
    archive from `processes export`, or any zip of diagrams and forms: read by the safe reader)."""
    files: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.update(definitions.read_process_files(path))
        elif path.suffix == ".zip":
            files.update(_zip_files(path.read_bytes()))
        else:
            key = f"forms/{path.name}" if path.suffix == ".json" else path.name
            files[key] = path.read_text(encoding="utf-8")
    return files


def _zip_files(raw: bytes) -> dict[str, str]:
    entries = safezip.read_zip(raw)
    if "process.json" in entries:  # an exported version or draft
        read = archive.read(raw)
        forms = {f"forms/{n}.json": archive.pretty(f) for n, f in read.forms.items()}
        return {**read.files, **forms}
    files = {}
    for name, data in entries.items():
        base = Path(name).name
        if base.endswith((".bpmn", ".dmn", ".json")):
            key = f"forms/{base}" if base.endswith(".json") else base
            files[key] = safezip.text_of(name, data)
    return files
