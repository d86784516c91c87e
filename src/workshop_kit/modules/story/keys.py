"""The anonymous key of a rewrite: what colleagues see instead of its author. An HMAC of the
author's id with a key of the cohort that the store makes and never hands out
(`Store.cohort_key(cohort, secret_name(module_id))`), so nobody can compute it from an id; one
per agenda module id, so two story modules of one day give one author two unrelated keys."""

from __future__ import annotations

import hashlib
import hmac


def secret_name(module_id: str) -> str:
    """The name of the cohort key this module's rewrite keys derive from."""
    return f"{module_id}-rewrites"


def rewrite_key(secret: bytes, cohort: str, module_id: str, participant: str) -> str:
    """The anonymous key under which `participant`'s rewrite is shown to colleagues."""
    return hmac.new(secret, f"{cohort}:{module_id}:{participant}".encode(),
                    hashlib.sha256).hexdigest()[:12]
