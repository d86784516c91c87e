"""The link from a participant's notebook in JupyterLab to the same notebook as an app (Voilà).

Voilà runs as an extension of the same Jupyter server, at `<base URL>voila/render/<path>`:
no code, every cell run by itself, the same widgets talking to the same service. The link
must hold the server's base URL (a hub's `/user/<name>/`) and the notebook's path from the
server's root, which neither the build nor a Markdown cell knows (JupyterLab opens a relative
Markdown link as a file in its own tabs), so the kernel computes it: the notebook's file from
`$JPY_SESSION_NAME` (set by Jupyter Server for each notebook's kernel), the base URL and the
root folder from the server's own runtime file (the kernel's parent process), else a hub's
`$JUPYTERHUB_SERVICE_PREFIX` with the home folder as root.
"""

from __future__ import annotations

import html
import json
import os
import urllib.parse
from pathlib import Path
from typing import Any

from IPython.display import HTML

VOILA_PREFIX = "voila/render/"


def in_voila() -> bool:
    """True in a kernel Voilà started (it names itself in the kernel's environment)."""
    return (os.environ.get("SERVER_SOFTWARE", "").startswith("voila")
            or "VOILA_KERNEL_ID" in os.environ)


def _server_info(pid: int) -> dict[str, Any] | None:
    """The runtime file of the Jupyter server with that process id (the kernel's parent)."""
    try:
        from jupyter_core.paths import jupyter_runtime_dir  # noqa: PLC0415 (heavy or optional: imported when used)
    except ImportError:  # pragma: no cover - a kernel without Jupyter installed
        return None
    folder = Path(jupyter_runtime_dir())
    for path in sorted(folder.glob("jpserver-*.json")) if folder.is_dir() else []:
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if info.get("pid") == pid:
            return info
    return None


def app_url(notebook: str | None = None, base_url: str | None = None,
            root_dir: str | None = None) -> str | None:
    """The path (from the server's host) of this notebook's app view, or None when the kernel
    cannot tell which notebook it runs or under which server (then no link is shown)."""
    notebook = notebook or os.environ.get("JPY_SESSION_NAME", "")
    if not notebook:
        return None
    if base_url is None or root_dir is None:
        info = _server_info(os.getppid())
        if info is not None:
            base_url = info.get("base_url", "/") if base_url is None else base_url
            root_dir = info.get("root_dir", "") if root_dir is None else root_dir
        elif os.environ.get("JUPYTERHUB_SERVICE_PREFIX"):
            base_url = os.environ["JUPYTERHUB_SERVICE_PREFIX"] if base_url is None else base_url
            root_dir = os.path.expanduser("~") if root_dir is None else root_dir
        else:
            return None
    path = Path(notebook)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(Path(root_dir or "/").resolve())
        except ValueError:  # a notebook outside the server's root: no page serves it
            return None
    base = "/" + str(base_url).strip("/") + "/" if str(base_url).strip("/") else "/"
    return base + VOILA_PREFIX + urllib.parse.quote(path.as_posix())


def app_link() -> HTML | None:
    """A line with the link that opens this notebook as an app in a new browser tab; nothing
    inside Voilà itself, or where the kernel cannot tell its notebook's address."""
    if in_voila():
        return None
    url = app_url()
    if url is None:
        return None
    return HTML(
        f'<p class="workshop-kit-app-link">Prefer a page without any code? <a href="'
        f'{html.escape(url)}" target="_blank" rel="noopener"><b>Open this notebook as an app'
        "</b></a> (it opens in a new tab, runs by itself and keeps your answers).</p>")
