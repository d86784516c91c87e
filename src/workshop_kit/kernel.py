"""The kit's Jupyter kernel: ipykernel with `workshop_kit.friendly` loaded at start-up.

Built notebooks name it (`"kernelspec": {"name": "workshop-kit"}`), so JupyterLab, papermill,
nbval and a hub's single-user server all start it, and a participant's first cell (whichever
it is) already gets errors in plain words. `pip install` puts its kernelspec in
`<sys.prefix>/share/jupyter/kernels/workshop-kit` (pyproject data-files); an environment made
otherwise installs it with `python -m workshop_kit.kernel` (`--user` for the user's own folder).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

KERNEL_NAME = "workshop-kit"
KERNELSPEC: dict[str, Any] = {
    # "python" is the Python that starts the kernel (jupyter_client puts its sys.executable)
    "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}",
             "--ext=workshop_kit.friendly"],
    "display_name": "Python 3 (workshop kit)",
    "language": "python",
    "metadata": {"debugger": True},
}
NOTEBOOK_KERNELSPEC = {"display_name": KERNELSPEC["display_name"], "language": "python",
                       "name": KERNEL_NAME}


def kernel_for_run() -> str:
    """The kernel `workshop-kit run` starts: the kit's if Jupyter finds it, else python3 (the
    notebooks still import workshop_kit, which installs the handler from then on)."""
    from jupyter_client.kernelspec import KernelSpecManager  # noqa: PLC0415 (heavy or optional: imported when used)

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def install(user: bool = False, prefix: str | None = None) -> str:
    """Install the kernelspec (into sys.prefix unless `user` or `prefix`); returns where."""
    from jupyter_client.kernelspec import KernelSpecManager  # noqa: PLC0415 (heavy or optional: imported when used)

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "kernel.json").write_text(json.dumps(KERNELSPEC, indent=1) + "\n",
                                               encoding="utf-8")
        return KernelSpecManager().install_kernel_spec(
            tmp, KERNEL_NAME, user=user, prefix=None if user else (prefix or sys.prefix))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop_kit.kernel",
                                     description="Install the workshop kit's Jupyter kernel.")
    parser.add_argument("--user", action="store_true", help="into the user's Jupyter folder")
    parser.add_argument("--prefix", help="into PREFIX/share/jupyter/kernels (default: "
                                         "this Python's sys.prefix)")
    args = parser.parse_args(argv)
    print(f"installed the '{KERNEL_NAME}' kernel in {install(args.user, args.prefix)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
