"""Notifications: the unread count in the header, the paginated list, marking read."""
from __future__ import annotations

from sqlalchemy import select

from matchmaker.models import Notification
from matchmaker.services import notifications
from tests.integration import helpers as h
from tests.integration.account_helpers import act_as


def test_unread_count_list_and_mark_read(client, db):
    user, other = h.user(db, h.enterprise(db)), h.user(db)
    notifications.notify(db, [user.id], "您的需求收到新的揭榜申请", "/account")
    for i in range(22):
        notifications.notify(db, [user.id], f"系统消息 {i:02d}")
    notifications.notify(db, [other.id], "别人的通知")
    db.commit()
    act_as(client, user)
    html = client.get("/notifications/").get_data(as_text=True)
    assert '<span class="badge">23</span>' in html and "1 / 2" in html and "别人的通知" not in html
    assert "系统消息" in client.get("/notifications/?page=2").get_data(as_text=True)
    first = db.scalars(select(Notification).where(Notification.text == "您的需求收到新的揭榜申请")).one()
    page = client.post(f"/notifications/{first.id}/read", data={"open": "1"})
    assert page.status_code == 302 and page.headers["Location"].endswith("/account")
    db.refresh(first)
    assert first.read_at is not None
    assert notifications.unread_count(db, user.id) == 22
    client.post("/notifications/read-all")
    assert notifications.unread_count(db, user.id) == 0
    assert "暂无未读通知" in client.get("/notifications/?unread=1").get_data(as_text=True)


def test_nobody_reads_someone_elses_notifications(client, db):
    user, other, newcomer = h.user(db), h.user(db), h.user(db)
    notifications.notify(db, [other.id], "别人的通知", "https://evil.example/")
    db.commit()
    note = db.scalars(select(Notification).where(Notification.user_id == other.id)).one()
    act_as(client, user)
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    db.refresh(note)
    assert note.read_at is None
    act_as(client, other)
    page = client.post(f"/notifications/{note.id}/read", data={"open": "1"})
    assert "evil.example" not in page.headers["Location"]  # links leave the site never
    act_as(client, newcomer)
    assert "暂无通知" in client.get("/notifications/").get_data(as_text=True)
