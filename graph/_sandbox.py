"""Operating-system limits for a process that evaluates untrusted queries: no network, bounded memory.

The SERVICE check (:mod:`._outbound`) decides from a full parse; this is the layer beneath it,
so that even a disagreement between that parser and the engine's cannot reach the network.

- :func:`deny_network` installs a seccomp filter (Linux, x86-64 and arm64) on every thread of
  the calling process and its future children: ``socket()`` for any family but ``AF_UNIX``
  fails with EPERM, as do ``io_uring_setup`` (which could open sockets around the filter) and
  any 32-bit or x32 system call. Local pipes and Unix sockets (how a worker talks to its
  parent) keep working; an HTTP client gets "Operation not permitted" before any packet.
- :func:`limit_memory` caps the address space at what the process uses now plus a budget, so
  one query cannot take the machine's memory: past it, allocation fails and the process ends
  (the engine aborts) or Python raises MemoryError.

Both are one-way: nothing in the process can lift them again.

>>> import subprocess, sys
>>> code = "from mlkg.graph._sandbox import deny_network; import socket; deny_network(); socket.socket()"
>>> run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
>>> "Operation not permitted" in run.stderr
True
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import struct
import sys

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | 1
_AF_UNIX = 1
# (audit arch, seccomp syscall, socket, io_uring_setup) per machine.
_ARCHES = {
    "x86_64": (0xC000003E, 317, 41, 425),
    "aarch64": (0xC00000B7, 277, 198, 425),
}
_LD_W_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def _program(arch: int, socket_nr: int, io_uring_nr: int) -> bytes:
    return b"".join(
        [
            _insn(_LD_W_ABS, 0, 0, 4),  # A = seccomp_data.arch
            _insn(_JEQ, 1, 0, arch),
            _insn(_RET, 0, 0, _RET_EPERM),  # another ABI (i386 on x86-64): nothing allowed
            _insn(_LD_W_ABS, 0, 0, 0),  # A = seccomp_data.nr
            _insn(_JGE, 0, 1, 0x40000000),
            _insn(_RET, 0, 0, _RET_EPERM),  # x32 system calls
            _insn(_JEQ, 0, 1, io_uring_nr),
            _insn(_RET, 0, 0, _RET_EPERM),
            _insn(_JEQ, 0, 3, socket_nr),
            _insn(_LD_W_ABS, 0, 0, 16),  # A = low word of args[0]: the address family
            _insn(_JEQ, 1, 0, _AF_UNIX),
            _insn(_RET, 0, 0, _RET_EPERM),
            _insn(_RET, 0, 0, _RET_ALLOW),
        ]
    )


def deny_network() -> bool:
    """Deny network sockets to this process and its children, for good.

    Answers False where the filter cannot be installed (not Linux, another machine type, or a
    kernel without seccomp); the SERVICE check then remains the only layer.
    """
    arch = _ARCHES.get(platform.machine())
    if not sys.platform.startswith("linux") or arch is None:
        return False
    audit_arch, seccomp_nr, socket_nr, io_uring_nr = arch
    code = _program(audit_arch, socket_nr, io_uring_nr)
    filters = ctypes.create_string_buffer(code, len(code))

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(len(code) // 8, ctypes.addressof(filters))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    flags = _SECCOMP_FILTER_FLAG_TSYNC  # every thread, including the engine's own
    return bool(libc.syscall(seccomp_nr, _SECCOMP_SET_MODE_FILTER, flags, ctypes.byref(prog)) == 0)


def address_space_bytes() -> int:
    """The virtual memory this process has mapped now (VmSize), in bytes."""
    with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def limit_memory(budget_bytes: int) -> int | None:
    """Cap the address space at what is mapped now plus ``budget_bytes``; the cap, or None
    where it cannot be set (then nothing changes)."""
    if budget_bytes <= 0 or not sys.platform.startswith("linux"):
        return None
    try:
        cap = address_space_bytes() + budget_bytes
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (OSError, ValueError):
        return None
    return cap


__all__ = ["address_space_bytes", "deny_network", "limit_memory"]
