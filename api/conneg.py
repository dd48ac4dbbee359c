"""HTTP content negotiation: parse an Accept header and pick the best of what can be served.

Follows RFC 9110 §12.5.1: media ranges with q-values, ``type/*`` and ``*/*`` wildcards; the
most specific range that matches an offer gives its quality; ``q=0`` means "not this".
Equal qualities go to the server's order of preference (the order of ``offers``).

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ["application/sparql-results+json",
...           "application/sparql-results+xml", "text/csv"])
'application/sparql-results+xml'
>>> negotiate("image/png", ["text/turtle"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

#: Most media ranges read from one Accept header; browsers send under ten.
MAX_ACCEPT_RANGES = 100


class AcceptTooLong(ValueError):
    """An Accept header with more media ranges than :data:`MAX_ACCEPT_RANGES`."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(
            f"the Accept header lists {count} media ranges; at most {MAX_ACCEPT_RANGES} are read: "
            "list the formats you want (e.g. Accept: application/sparql-results+json)"
        )


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    quality: float
    params: tuple[tuple[str, str], ...] = ()

    def specificity(self, offer: str) -> int:
        """-1 when this range does not cover ``offer``; else 0 (``*/*``), 1 (``type/*``), 2 (exact)."""
        kind, _, sub = offer.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def media_type_of(header: str | None) -> tuple[str, dict[str, str]]:
    """The bare, lower-cased media type of a Content-Type header and its parameters."""
    if not header:
        return "", {}
    main, *rest = header.split(";")
    params: dict[str, str] = {}
    for part in rest:
        name, _, value = part.partition("=")
        if name.strip():
            params[name.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), params


@lru_cache(maxsize=512)  # clients send the same few headers; one request asks several times
def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; malformed elements are skipped, no header = ``*/*``.

    Raises :class:`AcceptTooLong` past :data:`MAX_ACCEPT_RANGES` ranges (counted before any
    is parsed, so a huge header costs one scan).
    """
    if header is None or not header.strip():
        return (MediaRange("*", "*", 1.0),)
    count = header.count(",") + 1
    if count > MAX_ACCEPT_RANGES:
        raise AcceptTooLong(count)
    ranges: list[MediaRange] = []
    for element in header.split(","):
        kind, params = media_type_of(element)
        main, slash, sub = kind.partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        quality = 1.0
        if "q" in params:
            try:
                quality = min(1.0, max(0.0, float(params.pop("q"))))
            except ValueError:
                quality = 0.0
        ranges.append(MediaRange(main, sub, quality, tuple(sorted(params.items()))))
    return tuple(ranges)


def quality(ranges: Sequence[MediaRange], offer: str) -> float:
    """How much the client wants ``offer``: the quality of the most specific matching range."""
    best, best_specificity = 0.0, -1
    for media_range in ranges:
        specificity = media_range.specificity(offer)
        if specificity > best_specificity:
            best, best_specificity = media_range.quality, specificity
    return best


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client wants most (ties: first in ``offers``), or None if none is acceptable."""
    ranges = parse_accept(accept)
    chosen, chosen_quality = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > chosen_quality:
            chosen, chosen_quality = offer, q
    return chosen


__all__ = [
    "MAX_ACCEPT_RANGES",
    "AcceptTooLong",
    "MediaRange",
    "media_type_of",
    "negotiate",
    "parse_accept",
    "quality",
]
