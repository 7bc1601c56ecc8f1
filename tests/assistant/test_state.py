"""The dialogue's typed memory: kept as versioned JSON on the conversation, and conversations
saved before the version key existed carry on where they were."""

from __future__ import annotations

import pytest

from borough.assistant.models import Conversation
from borough.assistant.state import STATE_VERSION, DialogueState, FormInProgress, Mode, Step


def test_the_state_round_trips_through_json_with_its_version():
    state = DialogueState(
        mode=Mode.FORM,
        form=FormInProgress(
            service="report-fly-tipping",
            token="6f0e0c1e-0000-4000-8000-000000000000",
            answers={"location": {"usrn": 20750001, "description": "By the lamp post"}},
            postcodes={"location": "UB8 1QA"},
            question="waste_types",
            step=Step.ANSWER,
            choices=[("bags", "Black bags"), ("furniture", "Furniture")],
        ),
        failures=1,
        consent_asked=["health"],
        own_cases=["ABCD-1234"],
        interpreter_offered=True,
    )
    data = state.to_json()
    assert data["version"] == STATE_VERSION
    assert data["mode"] == "form" and data["form"]["step"] == "answer"
    assert data["form"]["choices"] == [["bags", "Black bags"], ["furniture", "Furniture"]]
    assert DialogueState.from_json(data) == state
    assert DialogueState.from_json({}) == DialogueState()
    assert DialogueState.from_json(None) == DialogueState()


def test_a_state_saved_before_versions_loads_as_it_was():
    old = {
        "mode": "confirm",
        "form": {
            "service": "report-missed-bin",
            "token": "6f0e0c1e-0000-4000-8000-000000000000",
            "answers": {"bin_out": "yes"},
            "postcodes": {},
            "question": "details",
            "step": "answer",
            "choices": [["yes", "Yes"]],
            "place": {},
        },
        "failures": 0,
        "own_cases": ["ABCD-1234"],
    }
    state = DialogueState.from_json(old)
    assert state.mode == Mode.CONFIRM
    assert state.form.answers == {"bin_out": "yes"} and state.form.choices == [("yes", "Yes")]
    assert state.own_cases == ["ABCD-1234"] and state.consent == []
    assert not state.interpreter_offered and not state.support_acknowledged


@pytest.mark.django_db
def test_a_chat_saved_before_versions_carries_on_its_request(chat):
    chat.start()
    chat.say("Report a missed bin collection")
    asked = chat.conversation.state["form"]["question"]
    # The conversation as the assistant kept it before the version key: only the keys it set.
    old = {key: value for key, value in chat.conversation.state.items() if key != "version"}
    old = {key: value for key, value in old.items() if value not in (None, [], 0, False)}
    Conversation.objects.filter(pk=chat.conversation.pk).update(state=old)
    replies = chat.say("UB8 1QA")
    assert "Type the number of the place from this list" in replies[-1]
    state = chat.conversation.state
    assert state["version"] == STATE_VERSION
    assert state["form"]["question"] == asked and state["form"]["step"] == "pick"
