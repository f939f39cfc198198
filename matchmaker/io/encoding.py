"""Telling how an uploaded text file is encoded.

Files come as UTF-8 (with or without the byte-order mark Excel writes) or, from
older Excel versions and Chinese editors, as GB18030 / GBK. UTF-8 is tried
first: GB18030 text is almost never valid UTF-8, while UTF-8 text can happen to
be valid GB18030, so the order matters.
"""

from .errors import RecordFileError

__all__ = ["GB18030_WARNING", "decode_text"]

#: The warning :func:`decode_text` gives for a file read as GB18030.
GB18030_WARNING = "the file is not UTF-8; it was read as GB18030 (GBK)"


def decode_text(data: bytes, name: str = "") -> tuple[str, str | None]:
    """Decode an uploaded file's bytes.

    Parameters
    ----------
    data : bytes
    name : str
        The file's name, for the error message.

    Returns
    -------
    (text, warning)
        ``warning`` is None for UTF-8 and :data:`GB18030_WARNING` for a file read
        as GB18030. A leading byte-order mark is removed.

    Raises
    ------
    RecordFileError
        If the bytes are neither UTF-8 nor GB18030.
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        return text.removeprefix("\ufeff"), GB18030_WARNING
    where = utf8_error.start
    raise RecordFileError(
        name,
        f"the file is neither UTF-8 nor GB18030 (GBK) text (byte 0x{data[where]:02X} "
        f"at offset {where}); save it as UTF-8 ('CSV UTF-8' in Excel)",
    )
