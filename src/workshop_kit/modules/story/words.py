"""Someone's words on a page (a pitch, a rewrite, a note), set apart and escaped: shared by the
notebook's widgets and the take-home page."""

from __future__ import annotations

import html

_QUOTE = ("border-left:4px solid #0072B2;background:#F2F7FB;padding:6px 12px;margin:6px 0;"
          "white-space:pre-wrap")


def quoted(text: str) -> str:
    """`text` as an escaped block, set apart from what the kit says."""
    return f'<div style="{_QUOTE}">{html.escape(text)}</div>'
