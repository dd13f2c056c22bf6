"""Access: releases for users: the ones bundled in the package, verified downloads, loading.

``bundled`` (releases shipped inside the package), ``download`` (fetch and verify into a
per-version cache) and ``load`` (tables, versions, info). Imports only ``release.layout``
from the stages below, so loading never imports the builder or the validator.
"""
