"""Organisers' side of a fair: the event itself, participants, requests on others' behalf."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...db import get_session
from ...i18n import tr
from ...services import events as event_service
from ...services.errors import NotFound
from ...services.events import admission as event_admission
from ...services.events import requests as event_requests
from ...services.scope import scope_of
from ..access import organiser_required
from ..forms.choices import as_select, chain_choices, chain_node_choices, region_choices
from ..forms.events import (
    EventForm,
    OnBehalfRequestForm,
    OrganiserMeetingForm,
    OrganiserRegisterForm,
    TableForm,
)
from ..forms.feedback import flash_form_errors
from ..pagination import paginate
from ..postings.helpers import current_graph
from ..service_calls import attempt
from .helpers import (
    event_and_participant,
    event_link,
    event_participant,
    managed_event,
    requests_link,
    slot_choices,
)

bp = Blueprint("event_admin", __name__, url_prefix="/events")
#: Longest search an organiser may type when looking for an organisation to register.
SEARCH_MAX = 100

_EVENT_FIELDS = ("name", "description", "theme_chains", "theme_nodes", "venue", "region", "city", "district", "date",
                 "end_date", "start", "end", "meeting_minutes", "tables", "registration_opens", "registration_closes", "max_meetings",
                 "max_open_requests", "request_expiry_hours", "unverified_may_register")


def _fill(form: EventForm) -> None:
    G = current_graph()
    form.theme_chains.choices = as_select(chain_choices(G)[1:])
    form.theme_nodes.choices = chain_node_choices(G)
    form.region.choices = as_select(region_choices(tr("（未填写）", "(not given)")))
    if form.region.data and form.region.data not in {c.value for c in form.region.choices}:
        form.region.choices.append(SelectChoice(form.region.data, form.region.data))  # an older, unlisted name


def _default_place(form: EventForm) -> None:
    """A new fair is held in the organiser's region unless they say otherwise."""
    scope = scope_of(current_user)
    form.region.data, form.city.data, form.district.data = scope.province, scope.city, scope.district


def _event_data(form: EventForm) -> event_service.EventData:
    values = {name: getattr(form, name).data for name in _EVENT_FIELDS}
    values["breaks"] = event_service.parse_breaks(form.breaks.data)
    return event_service.EventData(**values)


def _save(form: EventForm, event=None):
    def save(session):
        data = _event_data(form)
        if event is None:
            return event_service.create_event(session, current_user, data)
        event_service.update_event(session, current_user, event, data)
        return event
    _ok, saved = attempt(save, form=form)
    return saved


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def new():
    form = EventForm()
    if request.method == "GET":
        _default_place(form)
    _fill(form)
    if form.validate_on_submit():
        event = _save(form)
        if event is not None:
            flash(tr("对接会已创建（草稿），共 {n} 个会谈时段。", "Fair created as a draft with {n} meeting slots.",
                     n=len(event.slots)), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit(event_id: int):
    event = managed_event(event_id)
    form = EventForm(obj=event)
    if request.method == "GET":
        form.breaks.data = "; ".join(f"{a}-{b}" for a, b in event.breaks or [])
    _fill(form)
    admitted_all = event.unverified_may_register is not False
    if form.validate_on_submit() and _save(form, event) is not None:
        flash(tr("已保存，共 {n} 个会谈时段。", "Saved: {n} meeting slots.", n=len(event.slots)), "success")
        if admitted_all and event.unverified_may_register is False:
            _warn_pending_unverified(event)
        return redirect(url_for("events.show", event_id=event.id))
    return render_template("events/form.html", form=form, event=event, slots=slot_choices(event))


def _warn_pending_unverified(event) -> None:
    """Now that the fair admits only verified organisations, say how many unverified ones still wait for
    approval (each needs the organisers' explicit confirmation)."""
    waiting = event_admission.pending_unverified(get_session(), event)
    if waiting:
        flash(tr("本场现只接受已核验单位，但仍有 {n} 家未核验单位的报名待审核。如仍要通过，请在参会企业列表中逐个勾选"
                 "“仍为未核验单位报名”后通过；否则可拒绝。",
                 "This fair now admits only verified organisations, yet {n} unverified ones still wait for approval. "
                 "To approve one all the same, tick “Register this unverified organisation anyway” by it on the "
                 "participants list; otherwise decline it.", n=waiting), "warning")


@bp.post("/<int:event_id>/status")
@organiser_required
def status(event_id: int):
    event = managed_event(event_id)
    attempt(lambda session: event_service.set_status(session, current_user, event, request.form.get("status", "")),
            success=tr("状态已更新。", "Status updated."))
    return redirect(url_for("events.show", event_id=event.id))


@bp.get("/<int:event_id>/participants")
@organiser_required
def participants(event_id: int):
    return _participants_page(managed_event(event_id))


def _participants_page(event, table_form=None, failed: int | None = None, status: int = 200):
    """The participants list; ``failed`` names the participant whose table form is shown again with errors."""
    status_filter = request.args.get("status") or None
    role = request.args.get("role") or None
    page = paginate(get_session(), event_service.participants_overview(get_session(), event, status_filter, role))
    return render_template("events/participants.html", event=event, page=page, status=status_filter, role=role,
                           table_form=table_form or TableForm(), failed=failed, list_args=list_args()), status


def list_args() -> dict[str, str]:
    """The participants list's filter and page, carried through an action so the list comes back as it was."""
    return {key: request.args[key] for key in ("status", "role", "page") if request.args.get(key)}


def _participant_action(event_id: int, participant_id: int, action, message: str):
    event, participant = event_and_participant(event_id, participant_id, manage=True)
    attempt(lambda session: action(session, participant), success=message)
    return redirect(url_for("event_admin.participants", event_id=event.id, **list_args()))


@bp.post("/<int:event_id>/participants/<int:participant_id>/review")
@organiser_required
def review(event_id: int, participant_id: int):
    approve = request.form.get("approve") == "1"
    override = request.form.get("admit_unverified") == "y"  # the box by an unverified organisation's row
    return _participant_action(
        event_id, participant_id,
        lambda session, p: event_service.review_participant(session, current_user, p, approve,
                                                            link=event_link(event_id), admit_unverified=override),
        tr("已通过。", "Approved.") if approve else tr("已拒绝。", "Declined."))


@bp.post("/<int:event_id>/participants/<int:participant_id>/table")
@organiser_required
def table(event_id: int, participant_id: int):
    event, participant = event_and_participant(event_id, participant_id, manage=True)
    form = TableForm()
    if not form.validate():
        flash_form_errors(form)
        return _participants_page(event, form, participant.id, 400)
    ok, _ = attempt(lambda session: event_service.assign_table(session, current_user, participant, form.table.data,
                                                               form.max_meetings.data),
                    form=form, success=tr("已保存桌号与会谈上限。", "Table and meeting limit saved."))
    if not ok:
        return _participants_page(event, form, participant.id, 400)
    return redirect(url_for("event_admin.participants", event_id=event.id, **list_args()))


@bp.route("/<int:event_id>/participants/add", methods=["GET", "POST"])
@organiser_required
def add_participant(event_id: int):
    """Find an organisation (``?q=`` part of its name, any script, or its credit code) and register it.

    The candidates are a list of choices in one form with the role and the slots it
    cannot attend, so the page works without script; an exact ``enterprise`` (full
    name or credit code) is accepted instead of a picked ``enterprise_id``.
    """
    event = managed_event(event_id)
    session = get_session()
    query = (request.values.get("q") or "").strip()[:SEARCH_MAX]
    form = OrganiserRegisterForm(role="supplier")
    form.unavailable.choices = slot_choices(event)
    if form.validate_on_submit():
        def register(session):
            if form.enterprise_id.data is not None:
                enterprise = event_admission.enterprise_to_register(session, form.enterprise_id.data)
            else:
                enterprise = event_service.find_enterprise(session, form.enterprise.data, current_user)
            event_service.register(session, current_user, event, form.role.data, form.unavailable.data,
                                   enterprise=enterprise, link=event_link(event.id),
                                   admit_unverified=form.admit_unverified.data)
            return enterprise
        # A refusal about a field is shown once: in the summary at the top and beside the choices.
        ok, enterprise = attempt(register, form=form, flash_always=False)
        if ok:
            flash(tr("已代{n}报名并通过审核。", "{n} registered and approved.", n=enterprise.name), "success")
            return redirect(url_for("event_admin.participants", event_id=event.id))
    if request.method == "POST" and not query:
        query = (form.enterprise.data or "").strip()[:SEARCH_MAX]  # a name typed in full: offer those like it
    candidates = event_admission.enterprise_candidates(session, event, query, current_user) if query else []
    picked = form.enterprise_id.data
    if request.method == "GET":
        free = [c for c in candidates if not c.registered]
        if candidates and candidates[0].how == "code" and not candidates[0].registered:
            picked = candidates[0].enterprise.id  # the credit code names it
        elif len(free) == 1:
            picked = free[0].enterprise.id
        chosen = next((c.enterprise for c in candidates if c.enterprise.id == picked), None)
        if chosen is not None and chosen.is_large:
            form.role.data = "buyer"
    status = 400 if request.method == "POST" else 200  # a post that did not register comes back with why
    return render_template("events/add_participant.html", event=event, form=form, query=query,
                           candidates=candidates, picked=picked, scope=scope_of(current_user)), status


def _pair_choices(event, form) -> None:
    approved = sorted((p for p in event.participants if p.status == "approved"), key=lambda p: p.enterprise.name)
    form.buyer.choices = as_select((p.id, p.enterprise.name) for p in approved if p.role == "buyer")
    form.supplier.choices = as_select((p.id, p.enterprise.name) for p in approved if p.role == "supplier")


@bp.get("/<int:event_id>/manage/requests")
@organiser_required
def requests(event_id: int):
    event = managed_event(event_id)
    status_filter = request.args.get("status") or None
    page = paginate(get_session(), event_requests.event_requests(event, status_filter))
    meeting_form, behalf_form = OrganiserMeetingForm(), OnBehalfRequestForm()
    _pair_choices(event, meeting_form)
    _pair_choices(event, behalf_form)
    return render_template("events/manage_requests.html", event=event, page=page, status=status_filter,
                           meeting_form=meeting_form, behalf_form=behalf_form)


def _pair_action(event_id: int, form_class, act):
    """An organiser's action on the buyer and supplier picked in a ``form_class`` form; back to the requests.

    ``act(event, form, buyer, supplier)`` runs when the form is valid.
    """
    event = managed_event(event_id)
    form = form_class()
    _pair_choices(event, form)
    if form.validate_on_submit():
        act(event, form, event_participant(event, form.buyer.data), event_participant(event, form.supplier.data))
    return redirect(url_for("event_admin.requests", event_id=event.id))


@bp.post("/<int:event_id>/manage/meetings/add")
@organiser_required
def add_meeting(event_id: int):
    def add(event, form, buyer, supplier):
        attempt(lambda session: event_requests.organiser_meeting(session, current_user, buyer, supplier,
                                                                 form.priority.data, link=requests_link(event.id)),
                success=tr("已安排{a}与{b}会谈。", "Meeting of {a} and {b} added.", a=buyer.enterprise.name,
                           b=supplier.enterprise.name))
    return _pair_action(event_id, OrganiserMeetingForm, add)


@bp.post("/<int:event_id>/manage/requests/on-behalf")
@organiser_required
def on_behalf(event_id: int):
    def ask(event, form, buyer, supplier):
        asker, other = (buyer, supplier) if form.requester.data == "buyer" else (supplier, buyer)
        attempt(lambda session: event_requests.request_meeting(session, current_user, asker, other, form.priority.data,
                                                               link=requests_link(event.id)),
                success=tr("已代{a}向{b}发出邀约。", "Request sent for {a} to {b}.", a=asker.enterprise.name,
                           b=other.enterprise.name),
                abort_on={NotFound: 404})
    return _pair_action(event_id, OnBehalfRequestForm, ask)
