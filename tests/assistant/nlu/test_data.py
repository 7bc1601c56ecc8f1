"""The training and held-out data: separate, big enough, well formed."""

from __future__ import annotations

from borough.assistant.nlu import content


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .!?")


def test_held_out_never_overlaps_training():
    intents, out_of_scope = content.training()
    training = {_norm(t) for texts in intents.values() for t in texts} | {
        _norm(t) for t in out_of_scope
    }
    held = content.heldout()
    held_out = [t for texts in held["intents"].values() for t in texts]
    held_out += held["out_of_scope"] + held["safeguarding"] + held["ordinary"]
    assert [t for t in held_out if _norm(t) in training] == []


def test_every_intent_has_training_and_held_out_phrases():
    intents, out_of_scope = content.training()
    held = content.heldout()
    assert set(held["intents"]) == set(intents)
    assert min(len(texts) for texts in intents.values()) >= 10
    assert min(len(texts) for texts in held["intents"].values()) >= 3
    assert len(held["out_of_scope"]) >= 60 and len(held["safeguarding"]) >= 40
    assert len(out_of_scope) >= 40


def test_faqs_are_complete():
    faqs = content.faqs()
    assert len(faqs) >= 10 and len({f.key for f in faqs}) == len(faqs)
    for faq in faqs:
        assert faq.title and faq.summary and faq.answer and faq.questions
