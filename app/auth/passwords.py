"""User passwords: argon2id, a slow salted hash (SEMANTICS §2.3).

Hashing costs tens of milliseconds of CPU and 64 MiB of memory by design. It runs in a
small thread pool of its own, never on the event loop: argon2-cffi releases the GIL while
it hashes, so the loop keeps serving other requests, and the pool's size bounds how many
hashes run at once (CPU and memory), however many logins arrive together; the others
wait their turn in the pool's queue without holding the loop.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# Half the cores (at least one): logins never take the whole machine from the API.
HASHING_THREADS = max(1, (os.cpu_count() or 2) // 2)
_pool = ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="argon2")


def _hash(password: str) -> str:
    return _hasher.hash(password)


def _verify(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        # Spend the same time as a real check so timing does not reveal which emails exist.
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, _hash, password)


async def verify_password(password: str, password_hash: str | None) -> bool:
    return await asyncio.get_running_loop().run_in_executor(_pool, _verify, password, password_hash)
