"""Processes the tests start as a user would: the ``mlkg`` command and ``mlkg serve``.

``run_cli`` starts the installed command in its own process, for what a process is the point
of (start-up, exit codes, signals, the query worker's sandbox); ``cli`` runs the same entry
point in this process, for everything else (no interpreter start-up per call).
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _environment(env: dict[str, str] | None) -> Iterator[None]:
    """``os.environ`` with ``env`` on top for the block, as it was afterwards."""
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``mlkg ARGS`` in this process: the same ``main`` and the same exit code and output
    as the installed command, without an interpreter start per call."""
    from mlkg.api.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors and --help
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
            if isinstance(exit_.code, str):
                print(exit_.code, file=sys.stderr)
    return subprocess.CompletedProcess(["mlkg", *args], code, out.getvalue(), err.getvalue())


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``mlkg`` command as a user would."""
    exe = Path(sys.executable).parent / "mlkg"
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def listening_on(pid: int, port: int) -> bool:
    """Whether process ``pid`` (or one of its children) listens on loopback ``port``.

    Two test workers can be handed the same free port; a server that lost the race exits, but
    an answer on the port may then come from the other worker's server, so a fixture asks
    the kernel whose socket it is.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return False
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            for conn in proc.net_connections(kind="tcp"):
                if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
                    return True
    return False


class LiveServer:
    """``mlkg serve`` in its own process on a free loopback port: real HTTP through uvicorn.

    Its output goes to a file (``log``), never to a pipe nobody reads: a server that logs a
    lot would stall once a pipe's buffer filled.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        import tempfile

        exe = Path(sys.executable).parent / "mlkg"
        for _attempt in range(3):  # another worker's server may take the port first
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            self.log = Path(tempfile.mkstemp(prefix="mlkg-serve-", suffix=".log")[1])
            with self.log.open("wb") as out:
                self.process = subprocess.Popen(
                    [str(exe), "serve", "--port", str(self.port), *args],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env={**os.environ, **(env or {})},
                )
            if self._wait_until_serving():
                return
        raise RuntimeError(f"mlkg serve could not bind a free port: {self.output()[-2000:]}")

    def _wait_until_serving(self) -> bool:
        """True once our process answers /health on its port; False when it lost the port."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.output()
                if "address already in use" in out.lower():
                    return False
                raise RuntimeError(f"mlkg serve exited with {self.process.returncode}: {out[-4000:]}")
            try:
                healthy = httpx.get(self.url + "/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                healthy = False
            if healthy and listening_on(self.process.pid, self.port):
                return True
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("mlkg serve did not answer /health within 60 s")

    def output(self) -> str:
        """What the server has printed so far (its log lines and errors)."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def worker_pids(self) -> set[int]:
        """The query workers: the leaves under the zygote (the server's grandchildren and below).

        A worker may end while it is being listed (a killed query): it is then left out.
        """
        import psutil

        root = psutil.Process(self.process.pid)
        out = set()
        for proc in root.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                if proc.ppid() != root.pid and not proc.children():
                    out.add(proc.pid)
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


__all__ = ["LiveServer", "cli", "free_port", "listening_on", "run_cli"]
