"""Pages: tasks: create, claim, reassign, start, complete, cancel; on ``helhet.tasks``."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from helhet import clock
from helhet.i18n import N_
from helhet.persons import service as persons
from helhet.tasks import service as tasks
from helhet.tasks import views
from helhet.tasks.models import OPEN_TASK_STATUSES, Task, TaskKind, TaskStatus
from helhet.tasks.schemas import TaskCancel, TaskComplete, TaskCreate, TaskReassign, TaskVersion
from helhet.users.actor import Actor
from helhet.web import labels
from helhet.web.actions import STALE, Action, checked_version, run
from helhet.web.deps import PageActor, PageSession
from helhet.web.forms import FormState, PostedForm, csrf_guard, day, flag, text
from helhet.web.render import lang_of, render_read, translate

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)

#: the services' reasons behind these pages, word for word, so ``messages.reason`` finds them in the catalog
SERVICE_REASONS = (
    N_("name an owner, or put it in the unit's unowned queue"),
    N_("either a named owner or the unit's queue, not both"),
    N_("the owner must be an active member of the unit"),
    N_("say what is to be done"),
    N_("say why the task is cancelled"),
    N_("a task for another unit goes to that unit's queue"),
    N_("say that the task goes to the other unit's queue"),
    N_("the unit has no care relationship with the person; add it to the team"),
    N_("the task is already in the unit's queue"),
    N_("the task is already assigned to this owner"),
    N_("the task already has an owner; ask for it to be reassigned"),
    N_("claim tasks from the queue of your own unit"),
    N_("the task is in the unit's queue; claim it before starting"),
    N_("the task is in_progress, not open"),
    N_("only members of the task's unit change it"),
    N_("the task is done"),
    N_("the task is cancelled"),
)
#: "general" is also a consent scope ("general information only"), whose word the shared labels keep
GENERAL_TASK = N_("General task")

#: the notes the service writes on assignments it makes itself, shown in the user's language
ASSIGNMENT_NOTES = frozenset({N_("created"), N_("claimed from the queue"), N_("reassigned")})


def kind_choices(request: Request) -> list[tuple[str, str]]:
    chosen = labels.options(lang_of(request), TaskKind)
    return [(code, translate(request, GENERAL_TASK) if code == TaskKind.GENERAL else word) for code, word in chosen]


# Create a task ---------------------------------------------------------------------------------------------


def _new_page(
    request: Request, session: PageSession, actor: Actor, person_id: int, form: FormState, status_code: int = 200
) -> Response:
    person = persons.get_person(session, actor, person_id, what="task form")
    unit_groups = views.connected_units(session, person.id, also=actor.unit_ids)
    unit_ids = [u.id for group in unit_groups for u in group.units]
    return render_read(
        request,
        session,
        "tasks/new.html",
        status_code=status_code,
        form=form,
        person=person,
        unit_groups=unit_groups,
        members=views.unit_members(session, unit_ids),
        kind_choices=kind_choices(request),
    )


@router.get("/persons/{person_id}/tasks/new")
def new_task(request: Request, person_id: int, session: PageSession, actor: PageActor) -> Response:
    defaults = {"unit_id": actor.active_unit_id, "owner_user_id": actor.user_id, "kind": "general"}
    return _new_page(request, session, actor, person_id, FormState.of(defaults))


@router.post("/persons/{person_id}/tasks/new")
def create_task(request: Request, person_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    persons.get_person(session, actor, person_id, what="task form")
    data = {
        "person_id": person_id,
        "unit_id": text(form, "unit_id"),
        "owner_user_id": text(form, "owner_user_id"),
        "to_unit_queue": flag(form, "to_unit_queue"),
        "kind": text(form, "kind"),
        "title": text(form, "title"),
        "description": text(form, "description"),
        "due_on": day(form, "due_on"),
    }
    action = Action(
        TaskCreate,
        data,
        lambda d: tasks.create_task(session, actor, d),
        done=N_("The task is created."),
        then=lambda task: f"/tasks/{task.id}",
    )
    return run(request, session, form, action, lambda: _new_page(request, session, actor, person_id, form, 422))


# A task: details, history, actions -------------------------------------------------------------------------


def may_change(actor: Actor, task: Task) -> bool:
    return task.status in OPEN_TASK_STATUSES and (
        task.unit_id in actor.unit_ids or (actor.user_id is not None and task.owner_user_id == actor.user_id)
    )


def _task_page(
    request: Request,
    session: PageSession,
    actor: Actor,
    task: Task,
    forms: Mapping[str, FormState] | None = None,
    status_code: int = 200,
) -> Response:
    person = persons.get_person(session, actor, task.person_id, what="task")
    history = tasks.task_history(session, actor, task.id)
    changeable = may_change(actor, task)
    unit_groups = views.connected_units(session, task.person_id, also=[task.unit_id]) if changeable else []
    given = dict(forms or {})
    version = {"version": task.version}
    return render_read(
        request,
        session,
        "tasks/detail.html",
        status_code=status_code,
        person=person,
        task=task,
        history=history,
        unit_names=views.unit_names(session, [task.unit_id, *(a.unit_id for a in history)]),
        user_names=views.user_names(
            session,
            [
                task.owner_user_id,
                task.created_by,
                *(a.owner_user_id for a in history),
                *(a.assigned_by for a in history),
            ],
        ),
        overdue=task.status in OPEN_TASK_STATUSES and task.due_on < clock.today(),
        may_change=changeable,
        may_claim=changeable and task.owner_user_id is None and task.unit_id in actor.unit_ids,
        may_start=changeable and task.owner_user_id is not None and task.status == TaskStatus.OPEN,
        members=views.unit_members(session, [task.unit_id]) if changeable else [],
        unit_groups=unit_groups,
        forms={name: given.get(name) or FormState.of(version) for name in ("claim", "start", "complete", "cancel")}
        | {"reassign": given.get("reassign") or FormState.of({**version, "unit_id": task.unit_id})},
        failed=any(form.has_errors for form in given.values()),
        assignment_notes=ASSIGNMENT_NOTES,
        general_task=GENERAL_TASK,
    )


@router.get("/tasks/{task_id}")
def task_detail(request: Request, task_id: int, session: PageSession, actor: PageActor) -> Response:
    task = tasks.get_task(session, actor, task_id)
    return _task_page(request, session, actor, task)


def _act(
    request: Request, session: PageSession, actor: Actor, task_id: int, form: FormState, name: str, action: Action
) -> Response:
    """One action on a task: the version checked, then saved, or the page again with form ``name`` (422)."""
    task = tasks.get_task(session, actor, task_id)
    action.data["version"] = checked_version(request, form, task.version, STALE["task"])
    return run(request, session, form, action, lambda: _task_page(request, session, actor, task, {name: form}, 422))


@router.post("/tasks/{task_id}/claim")
def claim_task(request: Request, task_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    action = Action(
        TaskVersion,
        {},
        lambda d: tasks.claim_task(session, actor, task_id, d.version),
        done=N_("You have taken the task from the queue."),
        then=f"/tasks/{task_id}",
    )
    return _act(request, session, actor, task_id, form, "claim", action)


@router.post("/tasks/{task_id}/start")
def start_task(request: Request, task_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    action = Action(
        TaskVersion,
        {},
        lambda d: tasks.start_task(session, actor, task_id, d.version),
        done=N_("The task is started."),
        then=f"/tasks/{task_id}",
    )
    return _act(request, session, actor, task_id, form, "start", action)


@router.post("/tasks/{task_id}/complete")
def complete_task(request: Request, task_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    action = Action(
        TaskComplete,
        {"note": text(form, "complete_note")},
        lambda d: tasks.complete_task(session, actor, task_id, d),
        done=N_("The task is done."),
        then=f"/tasks/{task_id}",
        rename={"note": "complete_note"},
    )
    return _act(request, session, actor, task_id, form, "complete", action)


@router.post("/tasks/{task_id}/cancel")
def cancel_task(request: Request, task_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    action = Action(
        TaskCancel,
        {"reason": text(form, "cancel_reason")},
        lambda d: tasks.cancel_task(session, actor, task_id, d),
        done=N_("The task is cancelled."),
        then=f"/tasks/{task_id}",
        rename={"reason": "cancel_reason"},
    )
    return _act(request, session, actor, task_id, form, "cancel", action)


@router.post("/tasks/{task_id}/reassign")
def reassign_task(request: Request, task_id: int, session: PageSession, actor: PageActor, form: PostedForm) -> Response:
    data = {
        "unit_id": text(form, "unit_id"),
        "owner_user_id": text(form, "owner_user_id"),
        "to_unit_queue": flag(form, "to_unit_queue"),
        "note": text(form, "reassign_note"),
    }
    action = Action(
        TaskReassign,
        data,
        lambda d: tasks.reassign_task(session, actor, task_id, d),
        done=N_("The task is reassigned."),
        then=f"/tasks/{task_id}",
        rename={"note": "reassign_note"},
    )
    return _act(request, session, actor, task_id, form, "reassign", action)
