"""PEP 440 versions as this repository uses them: parsed and ordered with the stdlib alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

_PEP440 = re.compile(
    r"""
    v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?:[-_.]?(?P<pre_letter>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_number>[0-9]+)?)?
    (?:-(?P<post_implicit>[0-9]+)|[-_.]?(?P<post>post|rev|r)[-_.]?(?P<post_number>[0-9]+)?)?
    (?:[-_.]?(?P<dev>dev)[-_.]?(?P<dev_number>[0-9]+)?)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PRE_LETTERS = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc"}
_PRE_LETTERS |= {"pre": "rc", "preview": "rc"}
_PRE_ORDER = {"a": 0, "b": 1, "rc": 2}


class InvalidVersionError(ValueError):
    pass


@total_ordering
@dataclass(frozen=True)
class Version:
    """A public PEP 440 version (no local ``+label``: an index refuses those)."""

    text: str
    epoch: int
    release: tuple[int, ...]
    pre: tuple[str, int] | None
    post: int | None
    dev: int | None

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _PEP440.fullmatch(text.strip())
        if not match:
            raise InvalidVersionError(f"{text!r} is not a PEP 440 version")
        post = match["post_implicit"] or match["post_number"] or ("0" if match["post"] else None)
        return cls(
            text=text,
            epoch=int(match["epoch"] or 0),
            release=tuple(int(part) for part in match["release"].split(".")),
            pre=(
                (_PRE_LETTERS[match["pre_letter"].lower()], int(match["pre_number"] or 0))
                if match["pre_letter"]
                else None
            ),
            post=None if post is None else int(post),
            dev=int(match["dev_number"] or 0) if match["dev"] else None,
        )

    @property
    def major(self) -> int:
        return self.release[0]

    @property
    def is_development(self) -> bool:
        return self.dev is not None

    def _key(self) -> tuple[object, ...]:
        release = list(self.release)
        while len(release) > 1 and release[-1] == 0:
            release.pop()
        if self.pre is None and self.post is None and self.dev is not None:
            pre: tuple[int, ...] = (-1,)  # 1.0.dev0 sorts before 1.0a0
        elif self.pre is None:
            pre = (3,)
        else:
            pre = (_PRE_ORDER[self.pre[0]], self.pre[1])
        post = (-1,) if self.post is None else (0, self.post)
        dev = (1,) if self.dev is None else (0, self.dev)
        return (self.epoch, tuple(release), pre, post, dev)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return self.text
