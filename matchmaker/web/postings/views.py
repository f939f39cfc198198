"""The pages every kind of posting has, written once.

Demands, capabilities and open resources each have a public list, the owner's own
list, a form to post one or edit it, a page, and (capabilities and resources) a
switch to unlist and list again. :class:`PostingViews` is those flows, told what
differs between the kinds: the form, the service functions, the filters and the
messages. A blueprint module builds one, registers it on its blueprint and adds
the pages only its kind has.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...db import get_session
from ..pagination import paginate
from ..service_calls import attempt, or_404
from .helpers import (
    arg,
    current_graph,
    fill_chain_choices,
    is_admin,
    viewer_enterprise_id,
)

__all__ = ["PostingViews"]


@dataclass(frozen=True)
class PostingViews:
    """The shared pages of one kind of posting, registered by :meth:`register`.

    Messages are functions of no argument (or of the new state), so that they are
    written in the language of the request that shows them.

    Parameters
    ----------
    name : str
        The blueprint's name; also its template folder (``<name>/index.html``, ...).
    noun : str
        The posting's name in templates (``demand``) and in URLs (``/<int:demand_id>``).
    owner_required : callable
        Decorator admitting the users who may post this kind (members of an organisation).
    form_class : type
        The posting's form; it offers ``data_for_service()``.
    public : callable
        ``public(G, **filters)``: the statement of the public list.
    filters : callable
        The public list's filters, read from the query string.
    own : callable
        ``own(enterprise_id, **mine_filters)``: the statement of the owner's list.
    owned : callable
        ``owned(session, posting_id, enterprise_id)``: the viewer's own posting, or :class:`NotFound`.
    create, update : callable
        The service's pair ``create(session, enterprise, user_id, G, data)`` and
        ``update(session, posting, user_id, G, data)``.
    saved : callable
        The message shown once the form is saved.
    visible : callable, optional
        ``visible(session, posting_id, enterprise_id, admin=...)``; with it the posting's
        page is registered as ``show``, else the blueprint provides its own.
    show_context : callable, optional
        ``show_context(posting, is_owner)``: more template values for the posting's page.
    mine_filters : tuple of str
        Query arguments that filter the owner's list; passed to the template by name.
    prepare_form : callable, optional
        ``prepare_form(form, posting)``: choices and first values beyond the chain and region.
    hold_form : callable, optional
        ``hold_form(form)``: True sends a valid form back to the user to confirm before saving.
    edit_refused : callable, optional
        ``edit_refused(posting)``: why the posting cannot be edited any more, or None.
    set_active : callable, optional
        ``set_active(session, posting, user_id, active)``; with it ``set_active`` is
        registered at ``/<id>/active``.
    active_message : callable, optional
        ``active_message(active)``: the message after listing the posting on or off.
    """

    name: str
    noun: str
    owner_required: Callable
    form_class: type
    public: Callable
    filters: Callable[[], dict]
    own: Callable
    owned: Callable
    create: Callable
    update: Callable
    saved: Callable[[], str]
    visible: Callable | None = None
    show_context: Callable[[Any, bool], dict] | None = None
    mine_filters: tuple[str, ...] = ()
    prepare_form: Callable[[Any, Any], None] | None = None
    hold_form: Callable[[Any], bool] | None = None
    edit_refused: Callable[[Any], str | None] | None = None
    set_active: Callable | None = None
    active_message: Callable[[bool], str] | None = None

    @property
    def id_arg(self) -> str:
        return f"{self.noun}_id"

    def register(self, bp: Blueprint) -> None:
        """Add the shared pages to ``bp`` under their usual endpoints and rules."""
        posting = f"/<int:{self.id_arg}>"
        bp.add_url_rule("/", "index", self.index, methods=["GET"])
        bp.add_url_rule("/mine", "mine", self.owner_required(self.mine), methods=["GET"])
        bp.add_url_rule("/new", "new", self.owner_required(self.new), methods=["GET", "POST"])
        bp.add_url_rule(f"{posting}/edit", "edit", self.owner_required(self.edit), methods=["GET", "POST"])
        if self.set_active is not None:
            bp.add_url_rule(f"{posting}/active", "set_active", self.owner_required(self.toggle_active),
                            methods=["POST"])
        if self.visible is not None:
            bp.add_url_rule(posting, "show", self.show, methods=["GET"])

    # ------------------------------------------------------------------ lookups

    def owned_or_404(self, posting_id: int):
        """The viewer's own posting, or the 404 page."""
        return or_404(self.owned, get_session(), posting_id, current_user.enterprise_id)

    def page_of(self, posting) -> str:
        """The address of the posting's page."""
        return url_for(f"{self.name}.show", **{self.id_arg: posting.id})

    # ------------------------------------------------------------------ pages

    def index(self):
        filters = self.filters()
        page = paginate(get_session(), self.public(current_graph(), **filters))
        return render_template(f"{self.name}/index.html", page=page, filters=filters)

    def mine(self):
        filters = {name: arg(name) for name in self.mine_filters}
        page = paginate(get_session(), self.own(current_user.enterprise_id, **filters))
        return render_template(f"{self.name}/mine.html", page=page, **filters)

    def new(self):
        return self._form_page(None)

    def edit(self, **view_args):
        posting = self.owned_or_404(view_args[self.id_arg])
        refusal = self.edit_refused(posting) if self.edit_refused is not None else None
        if refusal:
            flash(refusal, "error")
            return redirect(self.page_of(posting))
        return self._form_page(posting)

    def show(self, **view_args):
        posting = or_404(self.visible, get_session(), view_args[self.id_arg], viewer_enterprise_id(),
                         admin=is_admin())
        is_owner = posting.enterprise_id == viewer_enterprise_id()
        extra = self.show_context(posting, is_owner) if self.show_context is not None else {}
        return render_template(f"{self.name}/show.html", **{self.noun: posting}, is_owner=is_owner, **extra)

    def toggle_active(self, **view_args):
        posting = self.owned_or_404(view_args[self.id_arg])
        active = request.form.get("active") == "1"
        attempt(lambda session: self.set_active(session, posting, current_user.id, active),
                success=self.active_message(active))
        return redirect(self.page_of(posting))

    # ------------------------------------------------------------------ the form

    def _form_page(self, posting):
        form = self.form_class(obj=posting)
        fill_chain_choices(form)
        if self.prepare_form is not None:
            self.prepare_form(form, posting)
        if form.validate_on_submit() and not (self.hold_form is not None and self.hold_form(form)):
            saved = self._save(form, posting)
            if saved is not None:
                return redirect(self.page_of(saved))
        return render_template(f"{self.name}/form.html", form=form, **{self.noun: posting})

    def _save(self, form, posting):
        """Create (``posting`` is None) or update the posting from its form.

        Returns the saved posting, or None when the service refused (the reason is
        then on the form).
        """
        def save(session):
            data = form.data_for_service()
            if posting is None:
                return self.create(session, current_user.enterprise, current_user.id, current_graph(), data)
            return self.update(session, posting, current_user.id, current_graph(), data)
        _ok, saved = attempt(save, form=form, success=self.saved())
        return saved
