"""Answers to a service's form made from its definition, following its routing, so every demo
case passes the same validation as a real one."""

from __future__ import annotations

import datetime as dt

from borough.catalogue.answers import Exit, next_step
from borough.catalogue.collection_days import stream_of
from borough.catalogue.definitions import CHECK_ANSWERS, Question
from borough.catalogue.models import Service
from borough.people.models import Resident
from borough.places.collections import collections_between, schedules_for
from borough.places.models import Property

from . import names
from .context import Demo


def answer(
    demo: Demo, question: Question, *, prop: Property, resident: Resident | None, created: dt.date
):
    rng = demo.rng
    kind = question.type
    if not question.required and rng.random() < 0.4:
        return None
    if kind == "address":
        return prop.uprn
    if kind == "location":
        if rng.random() < 0.5:
            return {"uprn": prop.uprn, "description": rng.choice(names.TEXT_SNIPPETS)}
        return {"usrn": prop.usrn_id, "description": f"Outside number {prop.pao}"}
    if kind == "date":
        # Dates are relative to the day the request was made, within what the form allows.
        if question.allow == "future":
            return (
                created + dt.timedelta(days=rng.randint(1, question.max_days_ahead or 30))
            ).isoformat()
        back = min(question.max_days_past or 30, 30)
        if question.allow == "past":
            return (created - dt.timedelta(days=rng.randint(0, back))).isoformat()
        return (created + dt.timedelta(days=rng.randint(0, 7))).isoformat()
    if kind == "number":
        low = int(question.min if question.min is not None else 1)
        high = int(question.max if question.max is not None else low + 5)
        return rng.randint(low, max(low, min(high, low + 5)))
    if kind == "selection":
        options = [o.value for o in question.options]
        if question.multiple:
            return sorted(
                rng.sample(options, rng.randint(1, min(2, len(options)))), key=options.index
            )
        return rng.choice(options)
    if kind == "email":
        return resident.email if resident and resident.email else "resident@example.com"
    if kind == "name":
        return resident.full_name if resident else "A Resident"
    if kind == "phone":
        return resident.phone if resident and resident.phone else "+447700900123"
    if kind == "file":
        return None
    if "registration" in question.id:
        letters = "ABCDEFGHJKLMNOPRSTUVWXY"
        return (
            f"{rng.choice(letters)}{rng.choice(letters)}{rng.randint(10, 75)} "
            f"{''.join(rng.choice(letters) for _ in range(3))}"
        )
    text = rng.choice(names.TEXT_SNIPPETS)
    if "make" in question.id:
        text = rng.choice(names.VEHICLES)
    return text[: question.max_length].ljust(question.min_length, ".")


def answers_for(demo: Demo, service: Service, *, prop, resident, created) -> dict | None:
    """Answers that follow the form's routing to check-answers, or None if none found."""
    form = service.form
    for _ in range(10):
        answers: dict = {}
        current = form.first.id
        ok = True
        while current != CHECK_ANSWERS:
            question = form.by_id[current]
            value = answer(demo, question, prop=prop, resident=resident, created=created)
            if question.collection_of and value is not None:
                value = _collection_day(demo, question, answers, prop=prop, created=created)
            if value is None and question.required:
                ok = False
                break
            answers[question.id] = value
            step = next_step(form, question, value)
            if isinstance(step, Exit):
                ok = False
                break
            current = step
        if ok:
            return answers
    return None


def _collection_day(demo: Demo, question: Question, answers: dict, *, prop, created: dt.date):
    """A day in the form's window when the bin answered was collected at the property (a
    missed collection must be one), or None if it had none; any day where rounds are unknown."""
    stream = stream_of(answers.get(question.collection_of[1]))
    schedules = schedules_for(prop)
    back = min(question.max_days_past or 30, 30)
    if stream is None or not schedules:
        return (created - dt.timedelta(days=demo.rng.randint(0, back))).isoformat()
    own = [schedule for schedule in schedules if schedule.stream == stream]
    days = [c.day for c in collections_between(own, created - dt.timedelta(days=back), created)]
    return demo.rng.choice(days).isoformat() if days else None
