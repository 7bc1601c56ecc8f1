"""The interface the chat codes against (`borough.assistant.nlu`): shapes, intent names, replies."""

from __future__ import annotations

import datetime

import pytest

from borough.assistant import nlu
from borough.assistant.nlu import content

CONVERSATIONAL = {"status", "bin_days", "human", "greeting", "thanks", "goodbye", "yes", "no"}


def test_understand_returns_the_contract_shape(brain):
    u = nlu.understand("My bin wasn't collected on 3 March, postcode e8 1dy")
    assert isinstance(u, nlu.Understanding)
    assert u.text == "My bin wasn't collected on 3 March, postcode e8 1dy"
    assert u.language == "en"
    assert u.intent == "service:report-missed-bin"
    assert 0.0 <= u.confidence <= 1.0 and u.out_of_scope is False
    assert u.entities.postcodes == ("E8 1DY",)
    assert u.entities.dates[0].month == 3 and u.entities.dates[0].day == 3
    assert isinstance(u.vulnerability, nlu.Vulnerability) and u.vulnerability.level == "none"
    assert u.flags == ()


def test_every_catalogue_service_every_faq_and_the_conversation_are_intents(brain):
    labels = set(brain.classifier.labels)
    services = {f"service:{s['slug']}" for s in content.chat_services()}
    faqs = {f"faq:{f.key}" for f in content.faqs()}
    assert len(services) == 32 and len(faqs) >= 10
    assert services | faqs | CONVERSATIONAL <= labels


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I want to talk to a real person", "human"),
        ("what's happening with K7P2-QXM4", "status"),
        ("when do you empty my bins", "bin_days"),
        ("hiya", "greeting"),
        ("cheers, that's great", "thanks"),
        ("yes please", "yes"),
    ],
)
def test_conversational_intents(brain, text, intent):
    assert nlu.understand(text).intent == intent


def test_out_of_scope_has_no_intent(brain):
    u = nlu.understand("who won the world cup in 1966")
    assert u.out_of_scope is True and u.intent is None


def test_understand_and_a_batch_agree(brain):
    """The evaluation embeds phrases in batches; a turn embeds one message alone."""
    texts = ["there's a pothole by the school", "how do i pay my council tax bill"]
    batch = brain.encoder.encode(texts)
    for text, vector in zip(texts, batch, strict=True):
        single = brain.encoder.encode([text])[0]
        assert float(single @ vector) > 0.9999


def test_embeddings_match_sentence_transformers_reference_values(brain):
    """The similarities sentence-transformers' quickstart prints for all-MiniLM-L6-v2
    (0.6660, 0.1046, 0.1411): the numpy forward pass computes the same model."""
    v = brain.encoder.encode(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    similarities = v @ v.T
    assert abs(similarities[0, 1] - 0.6660) < 5e-4
    assert abs(similarities[0, 2] - 0.1046) < 5e-4
    assert abs(similarities[1, 2] - 0.1411) < 5e-4


def test_embeddings_are_unit_vectors_that_put_paraphrases_together(brain):
    v = brain.encoder.encode(
        ["My bin was not emptied", "The binmen missed my rubbish", "I love sunny weather"]
    )
    assert v.shape == (3, 384)
    assert abs(float((v[0] ** 2).sum()) - 1.0) < 1e-4
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


def test_translate_has_english_and_polish_and_none_otherwise():
    assert "999" in nlu.translate("emergency", "en")
    assert "116 123" in nlu.translate("emergency", "pl")
    assert nlu.translate("greeting", "pl").startswith("Dzień dobry")
    assert nlu.translate("greeting", "pl-PL") == nlu.translate("greeting", "pl")
    assert nlu.translate("emergency", "so") is None  # no checked Somali text: interpreter
    assert nlu.translate("no-such-reply", "en") is None


def test_dates_are_read_relative_to_today(brain):
    u = nlu.understand("missed tomorrow", today=datetime.date(2026, 3, 2))
    assert u.entities.dates == (datetime.date(2026, 3, 3),)


def test_no_torch_is_needed():
    import importlib.util

    assert importlib.util.find_spec("torch") is None
