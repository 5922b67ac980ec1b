"""`python run.py demo`: start the teaching demo in the browser, on this machine only, or
with `--classroom` on the local network behind a join code (shown as a QR code).

The demo is a small Starlette app served by uvicorn in this process (demo/server.py); it
prints the address once it answers and stops cleanly on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
from pathlib import Path

from model import InputError

DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo", help="start the teaching demo in the browser (on 127.0.0.1)",
        description="Start the teaching demo: the community, its controls, lessons and live "
        "charts in the browser. It listens on this machine only and runs until Ctrl+C.")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--host", default=None,
                   help="address to bind: a loopback address (default 127.0.0.1); with "
                   "--classroom any address of this machine (default 0.0.0.0)")
    p.add_argument("--classroom", action="store_true",
                   help="serve the class on the local network: students join from their "
                   "phones with a six-digit code (shown with a QR code); session and "
                   "request limits apply")
    p.add_argument("--code", default=None,
                   help="with --classroom: the join code (six digits; default: drawn anew)")
    p.add_argument("--max-students", type=int, default=None,
                   help="with --classroom: how many students may join (default 60)")
    p.add_argument("--burn-in-cache", default=None, metavar="FOLDER",
                   help="where settled communities (the ten-year burn-in's end state) are "
                   "kept between starts, so a restarted demo opens in a second or two "
                   "instead of settling again (default: $GOVERNANCE_BURN_IN_CACHE, else "
                   f"{default_cache()}; 'off' keeps them in memory only)")
    p.add_argument("--no-warm-up", dest="warm", action="store_false",
                   help="do not settle the page's first community (ten years of the "
                   "baseline) at start; the first page then settles it, with its progress")
    p.set_defaults(handler=run)


def default_cache() -> Path:
    """The user's cache folder for settled communities (XDG's, as other tools use)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "community-governance" / "burn-in"


def use_burn_in_cache(folder: str | None) -> str:
    """Keep settled communities on disk (model/settled.py), so a restarted server restores
    the page's first community instead of running its ten years again. States carry the
    model's code hash: a changed rule never restores an old state. Returns the folder used
    ('off': memory only)."""
    from model import settled

    where = folder if folder is not None else (os.environ.get(settled.ENV)
                                               or str(default_cache()))
    if where != "off":
        path = Path(where).expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"option '--burn-in-cache' got {where!r}, but that folder cannot "
                             f"be created ({exc.strerror}); give a writable folder, or 'off' "
                             "to keep settled communities in memory only.") from None
        where = str(path)
    os.environ[settled.ENV] = where
    return where


def check_host(host: str, classroom: bool = False) -> str:
    """Without --classroom the demo serves this machine only: a loopback address or
    'localhost'. With it, any IP address (0.0.0.0: every network of this machine)."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and (address.is_loopback or classroom):
        return host
    if address is not None:
        raise InputError(f"option '--host' got {host!r}, but without --classroom it must be a "
                         "loopback address such as 127.0.0.1 (or 'localhost'): the demo is then "
                         "served to this machine only. Add --classroom to serve a class on the "
                         "local network behind a join code.")
    raise InputError(f"option '--host' got {host!r}, but it must be an IP address such as "
                     "127.0.0.1 (or 'localhost'; with --classroom e.g. 0.0.0.0).")


def check_classroom(args: argparse.Namespace) -> tuple[str | None, int]:
    """The join code and the class size, checked (only with --classroom)."""
    if not args.classroom:
        for name, value in (("--code", args.code), ("--max-students", args.max_students)):
            if value is not None:
                raise InputError(f"option '{name}' got {value!r}, but it only applies with "
                                 "--classroom.")
        return None, 0
    code = args.code
    if code is not None and not (len(code) == 6 and code.isdigit()):
        raise InputError(f"option '--code' got {code!r}, but it must be six digits (what a "
                         "phone's number pad types), e.g. 482913.")
    students = 60 if args.max_students is None else args.max_students
    if not 1 <= students <= 200:
        raise InputError(f"option '--max-students' got {students}, but it must be a whole "
                         "number from 1 to 200.")
    return code, students


def check_port(host: str, port: int) -> int:
    """A free port on `host`; 0 picks one."""
    if not 0 <= port <= 65535:
        raise InputError(f"option '--port' got {port}, but it must be a port number from 0 "
                         "to 65535 (0 picks a free port).")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            raise InputError(f"option '--port' got {port}, but that port is already in use on "
                             f"{host}; choose another port, or 0 for any free port.") from None
        return s.getsockname()[1]


def run(args: argparse.Namespace) -> int:
    host = check_host(args.host or ("0.0.0.0" if args.classroom else "127.0.0.1"),
                      args.classroom)
    code, students = check_classroom(args)
    port = check_port(host, args.port)
    use_burn_in_cache(args.burn_in_cache)
    if not args.classroom:
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        from demo.server import serve

        print(f"starting the demo at {url} ...", flush=True)
        return serve(host, port, url, warm=args.warm)
    return run_classroom(host, port, code, students, args.warm)


def run_classroom(host: str, port: int, code: str | None, students: int,
                  warm: bool = True) -> int:
    """Print the teacher's address, the students' join address and its QR code, then serve."""
    import segno

    from demo.lan import Gate, lan_address
    from demo.server import serve

    gate = Gate(code, max_students=students)
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    lan = lan_address() if host in ("0.0.0.0", "::") else host
    teacher = f"http://{local}:{port}/?key={gate.teacher_key}"
    join = gate.join_url(lan, port)
    print(f"classroom: students join at {join} (code {gate.code}, at most {students});",
          flush=True)
    segno.make(join, error="m").terminal(compact=True)
    print("the same QR code is on the teacher's page.", flush=True)
    return serve(host, port, teacher, gate, join, warm)
