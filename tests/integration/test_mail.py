"""E-mail leaves once the action that wrote it commits, through the site's SMTP server."""
from __future__ import annotations

import socketserver
import threading
from email import policy
from email.parser import Parser

import pytest

from matchmaker.services import notifications
from matchmaker.services.postings.notices import tell_enterprise
from tests.integration import helpers as h

LOGGER = "matchmaker.services.notifications"


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib to hand over a message."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 test ready")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 test")
            elif command == "DATA":
                self.reply("354 go on")
                body = []
                while (row := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(row.decode())
                self.server.messages.append("".join(body))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp(app):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.server_address[1], MAIL_SENDER="fairs@example.cn")
    yield server.messages
    server.shutdown()
    server.server_close()


def test_mail_waits_for_the_commit_and_is_dropped_on_rollback(db, caplog):
    caplog.set_level("WARNING", logger=LOGGER)
    user = h.user(db, email="buyer@example.cn")
    db.commit()
    notifications.notify(db, [user.id], "您的需求已发布", "/demands/1", email_subject="需求已发布")
    assert "需求已发布" not in caplog.text
    db.commit()
    assert "buyer@example.cn" in caplog.text and "需求已发布" in caplog.text and "/demands/1" in caplog.text
    caplog.clear()
    notifications.notify(db, [user.id], "撤回的操作", email_subject="不该发出")
    db.rollback()
    db.commit()
    assert "不该发出" not in caplog.text


def test_posting_notices_are_not_logged_without_a_mail_server(db, caplog):
    caplog.set_level("WARNING", logger=LOGGER)
    ent = h.enterprise(db)
    h.user(db, ent, email="owner@example.cn")
    db.commit()
    tell_enterprise(db, ent.id, "您的能力收到新的对接申请", "/capabilities/1")
    db.commit()
    assert "owner@example.cn" not in caplog.text
    assert notifications.unread_count(db, ent.users[0].id) == 1


def test_mail_goes_through_the_configured_smtp_server(db, smtp):
    ent = h.enterprise(db)
    h.user(db, ent, email="owner@example.cn")
    db.commit()
    tell_enterprise(db, ent.id, "您的能力收到新的对接申请", "/capabilities/1", subject="新的对接申请")
    assert smtp == []
    db.commit()
    assert len(smtp) == 1
    message = Parser(policy=policy.default).parsestr(smtp[0])
    assert (message["To"], message["From"], message["Subject"]) == ("owner@example.cn", "fairs@example.cn",
                                                                    "新的对接申请")
    assert "/capabilities/1" in message.get_content()


def test_a_mailed_link_names_the_configured_site_never_the_request(app, db, smtp):
    """A page link in an e-mail must open from a mailbox: the site's configured address goes in front
    (``MATCHMAKER_BASE_URL``), not a bare path, and never a request's ``Host``."""
    app.config["MATCHMAKER_BASE_URL"] = "https://match.example.cn/fairs"
    ent = h.enterprise(db)
    h.user(db, ent, email="owner@example.cn")
    db.commit()
    tell_enterprise(db, ent.id, "您的能力收到新的对接申请", "/capabilities/1", subject="新的对接申请")
    db.commit()
    content = Parser(policy=policy.default).parsestr(smtp[-1]).get_content()
    assert "https://match.example.cn/fairs/capabilities/1" in content


def test_a_mail_outage_keeps_the_action_and_logs_the_message(app, db, caplog):
    caplog.set_level("ERROR", logger=LOGGER)
    closed = socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler)
    port = closed.server_address[1]
    closed.server_close()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    user = h.user(db, email="late@example.cn")
    db.commit()
    notifications.notify(db, [user.id], "日程已发布", email_subject="日程已发布")
    db.commit()
    assert notifications.unread_count(db, user.id) == 1
    assert "late@example.cn failed" in caplog.text and "日程已发布" in caplog.text
