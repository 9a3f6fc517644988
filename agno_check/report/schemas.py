"""The packaged JSON Schemas' ``profile`` enum, kept equal to the protocol registry.

``python -m agno_check.report.schemas`` rewrites the enum of ``agno_check/schemas/*.json`` in place (nothing else
in them changes); ``tests/test_schemas.py`` fails while they differ.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def expected_enums() -> dict[str, list[str]]:
    from agno_check.load.report import LOAD_EXTRA_PROFILES
    from agno_check.report.model import READINESS_EXTRA_PROFILES, report_profiles

    return {"readiness-v1.schema.json": report_profiles(READINESS_EXTRA_PROFILES),
            "load-v1.schema.json": report_profiles(LOAD_EXTRA_PROFILES)}


def with_profile_enum(text: str, names: list[str]) -> str:
    """``text`` (a schema, as formatted) with its ``profile`` enum replaced by ``names``."""
    match = re.search(r'"profile": \{\n(\s*)"enum": \[\n(.*?)\n\s*\]', text, re.S)
    if match is None:
        raise ValueError("no profile enum in this schema")
    indent = match.group(1) + "  "
    body = ",\n".join(f'{indent}"{name}"' for name in names)
    updated = text[:match.start(2)] + body + text[match.end(2):]
    json.loads(updated)
    return updated


def main() -> None:
    for name, names in expected_enums().items():
        path = SCHEMAS / name
        path.write_text(with_profile_enum(path.read_text(encoding="utf-8"), names), encoding="utf-8")
        print(f"{path}: profile enum = {', '.join(names)}")


if __name__ == "__main__":
    main()
