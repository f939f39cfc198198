"""``matchmaker export``: records in the exchange formats, and OCDS releases.

``matchmaker export enterprises|demands|capabilities|applications --out FILE``
writes .xlsx, .csv (UTF-8 with BOM) or .jsonl, chosen by ``--format`` or the
file's extension; the files import again with ``matchmaker import``.
``--province``/``--city``/``--district`` limit the records to the enterprises of a
region (and their postings), as a bureau of that region downloads them on the site.
``matchmaker export ocds --out releases.json`` writes the published procurement
demands and challenges as an OCDS 1.1 release package.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from ..db import session_scope

__all__ = ["export_command"]

_KINDS = ("enterprises", "demands", "capabilities", "applications", "ocds")
_FORMATS = ("xlsx", "csv", "jsonl")
_EXTENSIONS = {".xlsx": "xlsx", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def _app():
    from .. import create_app
    return create_app()


def _fail(message: str, code: int = 1):
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(code)


def _format(out: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    found = _EXTENSIONS.get(out.suffix.lower())
    if found is None:
        _fail(f"{out}: cannot tell the format from {out.suffix or 'a name without extension'!r}; "
              f"use .xlsx, .csv or .jsonl, or give --format", 2)
    return found


def _check_folder(out: Path) -> None:
    try:
        folder, parent = out.is_dir(), out.parent.is_dir()
    except OSError as exc:  # a name too long, say
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    if folder:
        _fail(f"{out}: is a folder; give a file name")
    if not parent:
        _fail(f"{out}: the folder {out.parent} does not exist")


@click.command("export")
@click.argument("kind", type=click.Choice(_KINDS))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="File to write (.xlsx, .csv or .jsonl; releases.json for ocds).")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default=None,
              help="File format (default: from the extension of --out).")
@click.option("--header", type=click.Choice(("zh", "en")), default="zh", show_default=True,
              help="Spreadsheet headers: Chinese headers or English field names (both import again).")
@click.option("--base-url", envvar="MATCHMAKER_BASE_URL", default=None,
              help="ocds: the site's public address, for the links and identifiers of releases "
                   "(default: MATCHMAKER_BASE_URL).")
@click.option("--province", default=None, help="Only enterprises of this province (and their postings), e.g. 江苏.")
@click.option("--city", default=None, help="Only enterprises of this city of --province, e.g. 苏州.")
@click.option("--district", default=None, help="Only enterprises of this district of --city.")
def export_command(kind: str, out: Path, fmt: str | None, header: str, base_url: str | None,
                   province: str | None = None, city: str | None = None, district: str | None = None) -> None:
    """Export KIND (导出): enterprises, demands, capabilities, applications, or ocds.

    Records are written in the exchange formats, ready for `matchmaker import`;
    text that a spreadsheet would run as a formula is guarded with a leading '.
    `ocds` writes the published demands as an OCDS 1.1 release package (JSON).
    """
    _check_folder(out)
    if kind == "ocds":
        if fmt is not None:
            _fail("ocds releases are written as one JSON release package; leave out --format", 2)
        if province or city or district:
            _fail("ocds releases are the public ones, of every region; leave out --province/--city/--district", 2)
        _export_ocds(out, base_url)
        return
    fmt = _format(out, fmt)
    region = _region(province, city, district)
    from ..services.exports import write_export
    app = _app()
    try:
        with session_scope(app) as session:
            count = write_export(session, kind, out, fmt, header=header, region=region)
    except OSError as exc:
        _fail(f"cannot write {exc.filename or out}: {exc.strerror or exc}")
    click.echo(f"{count} {kind} written to {out}")


def _region(province: str | None, city: str | None, district: str | None):
    """The region of --province/--city/--district, or None for all; a city needs its province, a district its city."""
    if not (province or city or district):
        return None
    from ..domain.regions import normalize_region
    from ..domain.scope import Scope
    if not province or normalize_region(province) is None:
        raise click.BadParameter(f"{province!r} is not a province of China" if province
                                 else "give the province of the city or district", param_hint="--province")
    if district and not city:
        raise click.BadParameter("give the city of the district", param_hint="--city")
    level = "district" if district else "city" if city else "province"
    return Scope(level, province, city, district)


def _export_ocds(out: Path, base_url: str | None) -> None:
    from ..services.ocds import settings_from, write_releases
    app = _app()
    base_url = base_url or app.config.get("MATCHMAKER_BASE_URL")
    if not base_url:
        raise click.UsageError("ocds releases link back to the site: give --base-url URL "
                               "(e.g. https://match.example.org) or set MATCHMAKER_BASE_URL")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{base_url!r} is not the site's absolute http(s) address", param_hint="--base-url")
    try:
        with session_scope(app) as session:
            count = write_releases(session, out, base_url=base_url, **settings_from(app.config))
    except OSError as exc:
        _fail(f"cannot write {exc.filename or out}: {exc.strerror or exc}")
    click.echo(f"{count} releases written to {out}")
