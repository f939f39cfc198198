"""Traditional -> simplified conversion for the short names the domain rules match.

Kept private to the domain package so that the rules do not depend on the
general text-normalisation module; region and qualification names are short, so
results are cached.
"""

from functools import lru_cache

__all__ = ["to_simplified"]


@lru_cache(maxsize=1)
def _converter():
    import opencc  # imported lazily: loading the dictionaries takes a moment

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8192)
def to_simplified(text):
    """Return `text` with traditional Chinese characters converted to simplified ones."""
    if text.isascii():
        return text
    return _converter().convert(text)
