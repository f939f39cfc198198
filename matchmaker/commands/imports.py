"""``matchmaker import``: bulk import of enterprises, demands, capabilities and fair participants.

Reads a .xlsx, .csv (UTF-8 or GB18030) or .jsonl file with the fields and
headers of formats.md, shows a progress bar on standard error, and prints the
summary (``0 created, 0 updated, 12 unchanged, 3 rejected``), the problems and
the names to review. The exit status is 1 only when no row could be imported,
or the file or the database cannot be used at all; the reason is one line.
"""
from __future__ import annotations

import sys

import click

from ..db import session_scope

#: Problems printed on the terminal; the report (--report) holds them all.
SHOWN_PROBLEMS = 20
_KINDS = ("enterprises", "demands", "capabilities", "participants")


def _app():
    from .. import create_app
    return create_app()


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class _Progress:
    """A progress bar on standard error, started once the number of rows is known."""

    def __init__(self):
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label="importing", file=sys.stderr,
                                         show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _words(lang: str):
    if lang == "en":
        return {"row": "row", "file": "file", "similar": "similar names (score >= {t:g}):",
                "held": "held for review; confirm with --link-similar", "linked": "linked",
                "more": "... and {n} more problem(s); write them all with --report FILE",
                "report": "report written to {path}", "nothing": "no row could be imported"}
    return {"row": "第", "file": "文件", "similar": "相近名称（相似度 >= {t:g}）：",
            "held": "待确认；确认后用 --link-similar 导入", "linked": "已关联",
            "more": "……另有 {n} 个问题；用 --report 文件名 写出全部",
            "report": "报告已写入 {path}", "nothing": "没有可导入的行"}


def _where(row, lang):
    if row is None:
        return "file" if lang == "en" else "文件"
    return f"row {row}" if lang == "en" else f"第 {row} 行"


@click.command("import")
@click.argument("kind", type=click.Choice(_KINDS))
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the row-level report (summary, problems, similar names) as XLSX.")
@click.option("--event", "event_id", type=int, help="The fair to register participants for.")
@click.option("--link-similar", is_flag=True,
              help="Import rows whose enterprise is only similar by name into that enterprise.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of the output and the report.")
def import_command(kind: str, path: str, dry_run: bool, report_path: str | None, event_id: int | None,
                   link_similar: bool, lang: str) -> None:
    """Import KIND records from FILE (.xlsx, .csv or .jsonl) (批量导入).

    KIND is enterprises, demands, capabilities or participants (with --event).
    Enterprises are matched by credit code, then by name; rows whose name is
    only similar to a stored enterprise's are held for review unless
    --link-similar is given. Importing the same file twice changes nothing.
    """
    from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

    from ..services.imports import ImportRefused, run_import, write_report

    words = _words(lang)
    progress = _Progress()
    try:
        app = _app()
        with session_scope(app) as session:
            result = run_import(session, kind, path, dry_run=dry_run, event_id=event_id,
                                link_similar=link_similar, progress=progress)
    except ImportRefused as exc:
        progress.close()
        _fail(exc.message(lang))
    except (OperationalError, InterfaceError):
        progress.close()
        raise  # a database that cannot be reached: said in one line by the command line itself
    except SQLAlchemyError as exc:
        progress.close()
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        _fail(f"the database cannot be used ({type(exc).__name__}: {detail}); nothing was imported")
    progress.close()
    for warning in result.file_warnings:
        click.echo(f"{words['file']}: {warning[1] if lang == 'en' else warning[0]}")
    for problem in result.problems[:SHOWN_PROBLEMS]:
        column = f" {problem.column}" if problem.column else ""
        value = "" if problem.value in (None, "") else f" {problem.value!r}"
        click.echo(f"{_where(problem.row, lang)}{column}{value}: {problem.reason(lang)}")
    if len(result.problems) > SHOWN_PROBLEMS:
        click.echo(words["more"].format(n=len(result.problems) - SHOWN_PROBLEMS))
    if result.similar:
        click.echo(words["similar"].format(t=result.threshold))
        for s in result.similar:
            state = words["linked"] if s.linked else words["held"]
            click.echo(f"  {_where(s.row, lang)}: {s.name} ~ {s.candidate_name} (id {s.candidate_id}, "
                       f"{s.score:g}) {state}")
    if report_path:
        try:
            write_report(result, report_path, lang)
        except OSError as exc:
            _fail(f"cannot write the report {report_path}: {exc.strerror or exc}")
        click.echo(words["report"].format(path=report_path))
    click.echo(result.summary(lang))
    if result.imported == 0:
        _fail(words["nothing"] if lang == "zh" else "no row could be imported")
