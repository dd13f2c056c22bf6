"""Access: releases for users: the ones bundled in the package, verified downloads, loading.

``bundled`` (releases shipped inside the package), ``download`` (fetch and verify into a
per-version cache), ``load`` (tables, versions, info) and ``history`` (the release
current on a day). Imports only ``release.layout``
from the stages below, so loading never imports the builder or the validator.
"""
