"""The day on a JupyterHub: the hub's configuration for the response service, and the hand-out
of each person's notebooks into their own home.

`hub_config` prints the `jupyterhub_config.py` lines that make `workshop-kit serve --hub` a
hub-managed service and let the participants' servers call it with their own credential.
`handout` copies a built cohort's notebooks to each hub user's home, written by a process
running as that user (so they own them, and a link they planted cannot make the trainer's
root write elsewhere), into folders only they can read.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import stat
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .client import _ERRORS, API, ENV_HUB_TOKEN, HUB_HEADER, resolve_service_url
from .errors import ParameterError

SERVICE_NAME = "workshop"
DEFAULT_PORT = 8765
MANIFEST = "cohort.json"
RECORD = ".workshop-kit-handout.json"  # what the last hand-out wrote, to spot a user's edits
# JupyterHub's default `server` role: what a single-user server's token may do.
SERVER_SCOPES = ("users:activity!user", "access:servers!server")


def _manifest(folder: str | Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ParameterError(f"{folder} is not a built cohort (no {MANIFEST}); run "
                             "`workshop-kit build --hub` first")
    return json.loads(path.read_text(encoding="utf-8"))


def hub_config(folder: str | Path, service_url: str = "", port: int = DEFAULT_PORT,
               name: str = SERVICE_NAME, python: str = "") -> str:
    """The jupyterhub_config.py lines for serving this cohort on the hub (to paste or exec)."""
    manifest = _manifest(folder)
    if not manifest.get("hub"):
        raise ParameterError(f"{folder} was not built for a JupyterHub: its notebooks carry "
                             "tokens; rebuild it with `workshop-kit build --hub`")
    url = (service_url or f"http://127.0.0.1:{port}").rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ParameterError(f"--service-url '{url[:80]}' must start with http:// or https://")
    access = f"access:services!service={name}"
    command = [python or sys.executable, "-m", "workshop_kit.cli", "serve",
               str(Path(folder).resolve()), "--hub"]
    lines = [
        f"# The workshop service for cohort '{manifest['cohort']['id']}' "
        f"(`workshop-kit hub-config {folder}`).",
        "# The hub starts and stops it, and gives it JUPYTERHUB_API_TOKEN, _API_URL and",
        "# _SERVICE_NAME: it checks each kernel's credential with the hub's HubAuth, which",
        "# asks the hub with that credential itself, so the service needs no role of its own.",
        "c.JupyterHub.services = [",
        "    {",
        f"        {'name'!r}: {name!r},",
        f"        {'url'!r}: {url!r},",
        f"        {'command'!r}: {command!r},",
        "        'environment': {'PYTHONUNBUFFERED': '1'},",
        "    },",
        "]",
        "# Users may call the service (JupyterHub's default 'user' role is 'self' only), and",
        "# the token each server gives its kernels carries that right.",
        "c.JupyterHub.load_roles = [",
        f"    {{'name': 'user', 'scopes': ['self', {access!r}]}},",
        "]",
        f"c.Spawner.server_token_scopes = {[*SERVER_SCOPES, access]!r}",
        "# Where the kernels find the service (the notebooks of a --hub build carry no token).",
        f"c.Spawner.environment = {{'WORKSHOP_KIT_SERVICE_URL': {url!r}}}",
        f"# The facilitator logs in as {manifest['facilitator_hub_user']!r}"
        + (f" (and members of the hub group {manifest['facilitator_hub_group']!r})"
           if manifest.get("facilitator_hub_group") else "")
        + "; participants as their roster's hub_user.",
    ]
    return "\n".join(lines) + "\n"


# -- hand-out ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    user: str  # their login on the hub (a Linux user with LocalProcessSpawner)
    id: str  # participant id, or "facilitator"
    files: dict[str, bytes]  # relative path → content


def _people(folder: Path, manifest: dict[str, Any]) -> list[Person]:
    def files_of(sub: Path) -> dict[str, bytes]:
        return {str(p.relative_to(sub)): p.read_bytes() for p in sorted(sub.rglob("*.ipynb"))
                if p.is_file() and ".ipynb_checkpoints" not in p.parts}

    people = [Person(p.get("hub_user") or p["id"], p["id"],
                     files_of(folder / "participants" / p["id"]))
              for p in manifest["participants"]]
    if manifest.get("facilitator_hub_user"):
        people.append(Person(manifest["facilitator_hub_user"], "facilitator",
                             files_of(folder / "facilitator")))
        taken = {p.user for p in people}
        for member in _group_members(manifest.get("facilitator_hub_group") or ""):
            if member not in taken:  # a participant in the group keeps their own notebooks
                people.append(Person(member, "facilitator", people[-1].files))
                taken.add(member)
    return people


def _group_members(group: str) -> list[str]:
    """The members of the machine's group of that name (the hub group mirrored as a Unix
    group, as on a LocalProcessSpawner hub), in order; none if there is no such group."""
    if not group:
        return []
    try:
        found = grp.getgrnam(group)
    except KeyError:
        return []
    members = set(found.gr_mem)
    members |= {pw.pw_name for pw in pwd.getpwall() if pw.pw_gid == found.gr_gid}
    return sorted(members)


def handout(folder: str | Path, home: str, fix_modes: bool = False) -> list[str]:
    """Copy each participant's notebooks (and the facilitator's) into their home; one line per
    user. The members of the machine's group named like the cohort's facilitator_hub_group
    get the facilitator's notebooks too. Users that do not exist are skipped; a home others
    can read is refused (or made 0700 with `fix_modes`). Files are written by a child process
    running as the user, mode 0600 in folders of mode 0700. A re-run writes nothing; after a
    rebuild only the notebooks that changed are replaced, and one the user has edited since
    the last hand-out is kept. A last line says where participants open their notebooks as
    apps (Voilà)."""
    folder = Path(folder)
    manifest = _manifest(folder)
    if not manifest.get("hub"):
        raise ParameterError(f"{folder} was not built for a JupyterHub: its notebooks carry "
                             "tokens; rebuild it with `workshop-kit build --hub`")
    if "{user}" not in home and "{id}" not in home:
        raise ParameterError(f"--home '{home}' names no one: put {{user}} (or {{id}}) in it, "
                             "like '/home/{user}/workshop'")
    try:
        home.format(user="u", id="i")
    except (KeyError, IndexError, ValueError) as exc:
        raise ParameterError(f"--home '{home}': only {{user}} and {{id}} may be filled in "
                             f"({type(exc).__name__}: {exc})") from None
    if os.geteuid() != 0:
        raise ParameterError("handout writes into other users' homes: run it as root")
    lines = []
    folders: set[str] = set()
    for person in _people(folder, manifest):
        lines.append(_hand_to(person, home, fix_modes))
        if person.id != "facilitator" and not lines[-1].startswith(("skipped", "refused")):
            rel = Path(home.format(user=person.user, id=person.id)).relative_to(
                pwd.getpwnam(person.user).pw_dir)
            folders.add("/".join("<login>" if part == person.user else part
                                 for part in rel.parts))
    lines += [app_view_line(rel) for rel in sorted(folders)]
    group = manifest.get("facilitator_hub_group") or ""
    if group and not _group_members(group):
        lines.append(f"note: no user of this machine is in a group '{group}': the hub group's "
                     "members get the facilitator's notebooks with `workshop-kit fetch` in "
                     "their own server")
    return lines


def app_view_line(folder_in_home: str) -> str:
    """Where participants open their notebooks as apps (Voilà, on their own server), for
    the hand-out's summary; `folder_in_home` is the hand-out folder from their home, which
    is where a JupyterHub single-user server starts by default."""
    rel = folder_in_home.strip("/")
    where = f"{rel}/" if rel and rel != "." else ""
    return (f"app view: each participant opens <hub>/user/<login>/voila/tree/{where} and clicks "
            "a notebook (no code, it runs by itself), or the link at the top of a notebook "
            f"in JupyterLab (<hub>/user/<login>/lab/tree/{where})")


def _hand_to(person: Person, pattern: str, fix_modes: bool) -> str:
    label = f"{person.user} ({person.id})" if person.user != person.id else person.user
    try:
        pw = pwd.getpwnam(person.user)
    except KeyError:
        return f"skipped {label}: no such user on this machine"
    home = Path(pw.pw_dir)
    dest = Path(pattern.format(user=person.user, id=person.id))
    if not dest.is_absolute() or ".." in dest.parts:
        return f"refused {label}: {dest} is not an absolute path"
    try:
        dest.relative_to(home)
    except ValueError:
        return f"refused {label}: {dest} is outside their home {home}"
    try:
        info = os.lstat(home)
    except FileNotFoundError:
        return f"refused {label}: their home {home} does not exist"
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != pw.pw_uid:
        return f"refused {label}: their home {home} is not a folder they own"
    fixed = ""
    if info.st_mode & 0o077:
        if not fix_modes:
            return (f"refused {label}: home {home} is readable by others (mode "
                    f"{stat.S_IMODE(info.st_mode):04o}); --fix-modes makes it 0700")
        os.chmod(home, 0o700)
        fixed = f", home made 0700 (was {stat.S_IMODE(info.st_mode):04o})"
    result = _as_user(pw, lambda: _write_files(dest, person.files, fix_modes))
    if "error" in result:
        return f"refused {label}: {result['error']}"
    written, kept, same = result["written"], result["kept"], result["unchanged"]
    if result.get("fixed"):
        fixed += f", {result['fixed']}"
    if not written and not fixed:
        what = f"unchanged, {same} notebooks"
    else:
        what = f"{written} written, {same} unchanged"
    if kept:
        what += f", kept {len(kept)} they edited ({', '.join(kept[:3])})"
    return f"{label}: {what} in {dest}{fixed}"


def _as_user(pw: pwd.struct_passwd, work: Any) -> dict[str, Any]:
    """Run `work()` in a child process with the user's uid and gids; its JSON result."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: become the user, do the work, report, exit
        code = 0
        try:
            os.close(read)
            os.setgroups(os.getgrouplist(pw.pw_name, pw.pw_gid))
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)
            os.umask(0o077)
            try:
                result = work()
            except OSError as exc:
                result = {"error": f"{exc.strerror}: {exc.filename}"}
            except Exception as exc:
                result = {"error": f"{type(exc).__name__}: {exc}"}
            os.write(write, json.dumps(result).encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if status != 0 or not chunks:
        return {"error": "the hand-out process for this user failed"}
    return json.loads(b"".join(chunks))


def _write_files(dest: Path, files: dict[str, bytes], fix_modes: bool) -> dict[str, Any]:
    """As the user: make `dest` (0700), write each file (0600) whose bytes changed, unless the
    user edited the previous hand-out's copy."""
    fixed = ""
    if dest.is_symlink():
        return {"error": f"{dest} is a link; hand-out writes into a real folder only"}
    if dest.exists():
        mode = stat.S_IMODE(dest.stat().st_mode)
        if mode & 0o077:
            if not fix_modes:
                return {"error": f"{dest} is readable by others (mode {mode:04o}); "
                                 "--fix-modes makes it 0700"}
            dest.chmod(0o700)
            fixed = f"{dest.name} made 0700 (was {mode:04o})"
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    record_path = dest / RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    written = unchanged = 0
    kept: list[str] = []
    new_record = dict(record)
    for rel, data in sorted(files.items()):
        target = dest / rel
        digest = hashlib.sha256(data).hexdigest()
        if target.is_symlink():
            kept.append(rel)
            continue
        if target.is_file():
            current = hashlib.sha256(target.read_bytes()).hexdigest()
            if current == digest:
                unchanged += 1
                new_record[rel] = digest
                continue
            if record.get(rel) != current:  # not what we handed out last time: theirs now
                kept.append(rel)
                continue
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        tmp.replace(target)
        new_record[rel] = digest
        written += 1
    if new_record != record:
        record_path.write_text(json.dumps(new_record, indent=1, sort_keys=True) + "\n",
                               encoding="utf-8")
    return {"written": written, "unchanged": unchanged, "kept": kept, "fixed": fixed}


# -- fetch: each user takes their own notebooks from the service --------------------------------
def fetch(into: str | Path = "~/workshop", service_url: str = "", who: str = "",
          token: str = "", fix_modes: bool = False) -> str:
    """Ask the service for the caller's own notebooks and write them into `into` (0700, files
    0600), as `handout` would: a re-run writes nothing, a notebook edited since the last fetch
    is kept. The credential is `token` (a kit token, with `who`), else the server's
    $JUPYTERHUB_API_TOKEN. One line saying what happened."""
    url = resolve_service_url(service_url or None)
    headers = {}
    if token:
        if not who:
            raise ParameterError("a kit token needs --as: your participant id (or facilitator)")
    else:
        token = os.environ.get(ENV_HUB_TOKEN, "")
        if not token:
            raise ParameterError(f"no credential: run this in your own server on the hub (it "
                                 f"sets ${ENV_HUB_TOKEN}), or give --as and --token")
        headers[HUB_HEADER] = "jupyterhub"
    headers["Authorization"] = f"token {token}"
    query = f"?as={urllib.parse.quote(who)}" if who else ""
    request = urllib.request.Request(f"{url}{API}/notebooks{query}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            error = json.loads(exc.read())["error"]
        except (ValueError, KeyError, TypeError):
            raise ParameterError(f"the workshop service at {url} answered {exc.code}; is that "
                                 "its address?") from None
        kind = _ERRORS.get(error.get("type", ""), ParameterError)
        raise kind(str(error.get("message", "refused")).splitlines()[0][:500]) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ParameterError(f"cannot reach the workshop service at {url}: {reason}") from None
    result = body.get("result") if isinstance(body, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("notebooks"), dict):
        raise ParameterError(f"the workshop service at {url} sent no notebooks")
    person = str(result.get("person", ""))
    files: dict[str, bytes] = {}
    for name, text in result["notebooks"].items():
        if (not isinstance(name, str) or not isinstance(text, str) or "/" in name
                or "\\" in name or name.startswith(".") or not name.endswith(".ipynb")):
            raise ParameterError(f"the workshop service sent a file name the kit does not "
                                 f"write: {str(name)[:60]!r}")
        files[name] = text.encode("utf-8")
    dest = Path(os.path.expanduser(str(into))).absolute()
    old = os.umask(0o077)
    try:
        done = _write_files(dest, files, fix_modes)
    finally:
        os.umask(old)
    whose = "the facilitator's" if person == "facilitator" else f"{person}'s"
    if "error" in done:
        raise ParameterError(done["error"])
    written, kept, same = done["written"], done["kept"], done["unchanged"]
    what = (f"unchanged, {same} notebooks" if not written and not done["fixed"]
            else f"{written} written, {same} unchanged")
    if kept:
        what += f", kept {len(kept)} you edited ({', '.join(kept[:3])})"
    fixed = f", {done['fixed']}" if done["fixed"] else ""
    return f"{whose} notebooks: {what} in {dest}{fixed}"
