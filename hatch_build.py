"""Wheel build hook: ship the released data packages inside the wheel, and nothing else from dist/.

Only the versions listed in dist/index.json (and the index itself) are included, so a
wheel or sdist that a build tool leaves in dist/ never ends up inside the next wheel.
"""

from __future__ import annotations

import json
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ReleasesHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        dist = Path(self.root) / "dist"
        index = dist / "index.json"
        if not index.is_file():
            return
        build_data["force_include"][str(index)] = "nato_corpus/_dist/index.json"
        for released in sorted(json.loads(index.read_text(encoding="utf-8")).get("versions", {})):
            build_data["force_include"][str(dist / released)] = f"nato_corpus/_dist/{released}"
