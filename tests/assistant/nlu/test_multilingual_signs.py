"""Danger signs in other languages described indirectly (issue 22): an older adult left without
food or care or robbed by those who should care for them, a passport kept, ending it all, a
child touched by an adult. And the everyday messages that share their words stay ordinary."""

from __future__ import annotations

import pytest

from borough.assistant import nlu


@pytest.mark.parametrize(
    "text",
    [
        "babcia ma alzheimera, opiekunka nie przychodzi od tygodnia i babcia jest bez jedzenia",
        "vecinul meu batran sta singur, ingrijitoarea nu mai vine si e fara mancare",
        "a minha avó está acamada e a cuidadora não vem, está sem comida",
        "ਨਾਨੀ ਜੀ ਨੂੰ ਉਹਨਾਂ ਦਾ ਪੁੱਤ ਰੋਟੀ ਨਹੀਂ ਦਿੰਦਾ ਤੇ ਪੈਨਸ਼ਨ ਲੈ ਲੈਂਦਾ",
        "دادا جان کو کوئی کھانا نہیں دیتا، بیٹا ان کی پنشن لے لیتا ہے",
        "on schował mój paszport i nie pozwala mi wychodzić z domu",
        "vreau să pun capăt la tot, nu mai pot",
        "ami ar sojjo korte parchi na, amar husband protidin amake mare",
        "my nan has dementia and her carers haven't come for two days",
    ],
)
def test_indirect_danger_reaches_safeguarding(brain, text):
    assert nlu.understand(text).vulnerability.level == "safeguarding", text


@pytest.mark.parametrize(
    "text",
    [
        "mama mea s-a impiedicat pe trotuarul stricat",  # a pavement to repair
        "ਮਾਤਾ ਜੀ ਬਿਨ ਬਾਹਰ ਨਹੀਂ ਰੱਖ ਸਕਦੇ, ਕੋਈ ਮਦਦ ਮਿਲੂ",  # an assisted collection
        "my mum's carer is coming on monday to help with the bins",
        "the co alarm needs a new battery",
    ],
)
def test_everyday_messages_sharing_those_words_stay_ordinary(brain, text):
    assert nlu.understand(text).vulnerability.level != "safeguarding", text
