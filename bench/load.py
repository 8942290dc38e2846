"""Load from outside Python: wrk against loopback URLs, and nginx as the static baseline."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.harness import HOST, free_port, stop, wait_for


@contextmanager
def nginx_serving(body: bytes, name: str, content_type: str) -> Iterator[tuple[str, str]]:
    """nginx in the foreground, one worker, serving the same bytes two ways: `raw` (gzip off,
    the whole body every time) and `gzip_static` (the body compressed once beforehand, as an
    application caching its gzip form does). Yields the two URLs, raw first.

    Never on-the-fly gzip: compressing a 250 KB body per request handicaps nginx ~40x and
    says nothing about a server that compresses once."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise RuntimeError("nginx is not installed: apt-get install -y nginx-light")
    port = free_port()
    root = Path(tempfile.mkdtemp(prefix="neetmap-nginx-"))
    root.chmod(0o755)  # nginx's workers run as nobody when it is started as root
    for folder in ("raw", "static", "tmp"):
        (root / folder).mkdir(mode=0o755)
    (root / "raw" / name).write_bytes(body)
    (root / "static" / name).write_bytes(body)
    (root / "static" / f"{name}.gz").write_bytes(gzip.compress(body, 9))
    conf = root / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    types {{ {content_type} {name.rpartition(".")[2]}; }}
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    server {{
        listen {HOST}:{port};
        root {root};
        location /raw/ {{ gzip off; }}
        location /static/ {{ gzip off; gzip_static on; }}
    }}
}}
"""
    )
    process = subprocess.Popen([binary, "-c", str(conf), "-p", str(root)], start_new_session=True)
    urls = (f"http://{HOST}:{port}/raw/{name}", f"http://{HOST}:{port}/static/{name}")
    try:
        wait_for(urls[0], 10)
        yield urls
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class WrkResult:
    url: str
    requests_per_s: float
    latency_p50_ms: float
    latency_p99_ms: float
    transfer_per_s: str
    errors: str


def wrk(
    url: str,
    *,
    seconds: int = 10,
    connections: int = 8,
    threads: int = 1,
    gzip: bool = True,
    paths: Sequence[str] | None = None,
) -> WrkResult:
    """wrk against a loopback URL for a bounded time; its summary parsed.

    With `paths`, each request takes the next of them (a generated Lua script), round robin.
    """
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError("load is only generated against 127.0.0.1")
    command = [binary, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if gzip:
        command += ["-H", "Accept-Encoding: gzip"]
    if paths:
        script = Path(tempfile.mkdtemp(prefix="neetmap-wrk-")) / "paths.lua"
        quoted = ",\n".join(f'"{p}"' for p in paths)
        script.write_text(
            f"local paths = {{\n{quoted}\n}}\nlocal i = 0\n"
            "request = function()\n  i = (i % #paths) + 1\n"
            '  return wrk.format("GET", paths[i])\nend\n'
        )
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    transfer = re.search(r"Transfer/sec:\s+(\S+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", output)
    return WrkResult(
        url,
        rps,
        _wrk_ms(output, "50%"),
        _wrk_ms(output, "99%"),
        transfer.group(1) if transfer else "?",
        errors.group(0) if errors else "none",
    )


def _wrk_ms(output: str, label: str) -> float:
    found = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if not found:
        return float("nan")
    value, unit = float(found.group(1)), found.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
