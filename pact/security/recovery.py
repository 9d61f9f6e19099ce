"""Recovery keys: the 32-byte database key written for people.

Crockford base32 (no I, L, O, U; case-insensitive; O read as 0, I and L as 1)
of the key plus a two-byte checksum, in groups of five characters, so a typo is
caught before any attempt to open the database.
"""

from __future__ import annotations

import hashlib

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(ALPHABET)}
_DECODE.update({"O": 0, "I": 1, "L": 1})
KEY_BYTES = 32
CHECK_BYTES = 2
GROUP = 5
LENGTH = ((KEY_BYTES + CHECK_BYTES) * 8 + 4) // 5  # 55 characters


class RecoveryKeyError(ValueError):
    pass


def _checksum(key: bytes) -> bytes:
    return hashlib.sha256(b"pact-recovery:" + key).digest()[:CHECK_BYTES]


def encode(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    data = key + _checksum(key)
    number = int.from_bytes(data, "big") << (LENGTH * 5 - len(data) * 8)
    chars = []
    for i in range(LENGTH):
        shift = (LENGTH - 1 - i) * 5
        chars.append(ALPHABET[(number >> shift) & 31])
    text = "".join(chars)
    return "-".join(text[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch not in " -\t\r\n")


def looks_like_recovery_key(text: str) -> bool:
    s = normalise(text)
    return len(s) == LENGTH and all(ch in _DECODE for ch in s)


def decode(text: str) -> bytes:
    s = normalise(text)
    if len(s) != LENGTH or any(ch not in _DECODE for ch in s):
        raise RecoveryKeyError("not a recovery key")
    number = 0
    for ch in s:
        number = (number << 5) | _DECODE[ch]
    total = KEY_BYTES + CHECK_BYTES
    number >>= LENGTH * 5 - total * 8
    data = number.to_bytes(total, "big")
    key, check = data[:KEY_BYTES], data[KEY_BYTES:]
    if _checksum(key) != check:
        raise RecoveryKeyError("recovery key checksum does not match (typing error?)")
    return key
