"""Wheel build hook: ship the released data packages inside the wheel, and build the C reader.

Releases: only the versions listed in dist/index.json (and the index itself) are included,
so a wheel or sdist that a build tool leaves in dist/ never ends up inside the next wheel.

The C reader (nato_corpus/curation/_yamlc.c, the clean path of reading raw/ YAML) is compiled
here with the compiler and flags Python itself was built with (sysconfig), against libyaml's
header (Debian: libyaml-dev); it links no libyaml, since it uses the one PyYAML carries. It is
built in place beside its source (so an editable install finds it) and put into a wheel, which
then becomes specific to this platform. When it cannot be built, the build says why and goes
on: the library then reads YAML with its pure-Python loop, which gives the same results.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

C_SOURCE = Path("nato_corpus") / "curation" / "_yamlc.c"


class ReleasesHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        built = build_reader(Path(self.root))
        if built is not None and version != "editable":
            build_data["force_include"][str(built)] = built.relative_to(self.root).as_posix()
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
        dist = Path(self.root) / "dist"
        index = dist / "index.json"
        if not index.is_file():
            return
        build_data["force_include"][str(index)] = "nato_corpus/_dist/index.json"
        for released in sorted(json.loads(index.read_text(encoding="utf-8")).get("versions", {})):
            build_data["force_include"][str(dist / released)] = f"nato_corpus/_dist/{released}"


def build_reader(root: Path) -> Path | None:
    """Compile the C reader beside its source; its path, or None (with a message) when it cannot."""
    source = root / C_SOURCE
    target = source.with_name("_yamlc" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so"))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    linker = shlex.split(sysconfig.get_config_var("LDSHARED") or "cc -shared")
    flags = shlex.split(sysconfig.get_config_var("CFLAGS") or "") + shlex.split(
        sysconfig.get_config_var("CCSHARED") or "-fPIC"
    )
    include = sysconfig.get_paths()["include"]
    with tempfile.TemporaryDirectory() as scratch:
        objects = Path(scratch) / "_yamlc.o"
        partial = Path(scratch) / target.name
        steps = [
            [
                *compiler,
                *flags,
                f"-I{include}",
                f'-DNATO_SOURCE_DIGEST="{digest}"',
                "-c",
                str(source),
                "-o",
                str(objects),
            ],
            [*linker, str(objects), "-o", str(partial), "-ldl"],
        ]
        for step in steps:
            try:
                done = subprocess.run(step, capture_output=True, text=True, check=False)
            except OSError as exc:
                return _skipped(target, f"cannot run {step[0]}: {exc}")
            if done.returncode != 0:
                said = done.stderr.strip().splitlines()
                errors = [line for line in said if "error" in line] or said or ["the compiler failed"]
                return _skipped(target, errors[0])
        staging = target.with_name(f".tmp-{target.name}")  # beside the target, then renamed over it
        staging.write_bytes(partial.read_bytes())
        os.replace(staging, target)
    return target


def _skipped(target: Path, why: str) -> None:
    target.unlink(missing_ok=True)  # an older build must not stand in for this source
    print(
        f"nato-corpus: the C YAML reader was not built ({why}); raw/ is read by the pure-Python loop, with "
        "the same results, more slowly. It needs a C compiler, Python's headers and libyaml's header "
        "(Debian: apt-get install gcc python3-dev libyaml-dev).",
        file=sys.stderr,
    )
    return None
