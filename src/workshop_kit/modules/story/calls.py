"""The names of the calls this module type adds to the response service (`rules`), as the
notebooks' views make them: named after this package, so a copy of the folder registered under
another name offers calls of its own and never clashes with this one."""

from __future__ import annotations

TYPE = __name__.rsplit(".", 2)[-2]  # this package's name
PEER_REWRITES = f"{TYPE}_peer_rewrites"  # a participant: colleagues' shared rewrites
NOTES_RECEIVED = f"{TYPE}_notes_received"  # a participant: the notes on their own rewrite
REWRITE_KEYS = f"{TYPE}_rewrite_keys"  # the facilitator: which key is whose rewrite
