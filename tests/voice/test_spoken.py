"""The chat's words made fit for the ear, and the caller's fit for the chat (no database)."""

from __future__ import annotations

import numpy as np

from borough.voice import audio, spoken


def test_a_reference_is_spelt_out_with_a_word_for_each_letter():
    said = spoken.speak_text("Your reference is K7P2-QXM4.")
    assert "K7P2-QXM4. That is: K for kilo, seven, P for papa, two; then Q for quebec" in said
    assert said.endswith("M for mike, four.")


def test_an_address_list_reads_back_the_house_number_and_the_postcode():
    said = spoken.speak_text(
        "Type the number of the place from this list:\n1. 12 High Street, UB8 1QA\n"
        "2. 3A High Street, UB8 1QA"
    )
    assert said == (
        "Say or key the number of the address: Press 1 for number 12 High Street, U, B, 8; 1, "
        "Q, A. Press 2 for number 3A High Street, U, B, 8; 1, Q, A."
    )


def test_dates_are_said_in_words_and_phone_numbers_digit_by_digit():
    said = spoken.speak_text("We aim to deal with it by 9 December 2026. Call 999 or 01895 250111.")
    assert "by Wednesday the ninth of December 2026" in said
    assert "Call nine nine nine or zero one eight nine five, two five zero one one one." in said


def test_choices_are_read_with_their_keys_once():
    said = spoken.speak_replies([("What do you need?", ["Report a problem", "Talk to a person"])])
    assert said.endswith("Press 1 for Report a problem. Press 2 for Talk to a person.")
    listed = spoken.speak_replies([("Which bin?\n1. Black bin\n2. Blue bin", ["Black", "Blue"])])
    assert listed.count("Press 1") == 1


def test_screen_words_become_phone_words():
    said = spoken.speak_text(
        "I have asked a member of staff. Please stay on this page: their reply will appear here."
    )
    assert said == "I have asked a member of staff. Please stay on the line."


def test_a_postcode_heard_letter_by_letter_is_put_together():
    asked = "First, what is the postcode?"
    assert spoken.caller_text("U B 8, 1 Q A.", asked) == "UB8 1QA"
    assert spoken.caller_text("UBA 1 QA", asked) == "UB8 1QA"  # "eight" heard as "A"
    assert spoken.caller_text("SW1A one AA", asked) == "SW1A 1AA"
    assert spoken.caller_text("I don't know it", asked) == "I don't know it"
    # Not asked for a postcode: the words go through as heard.
    assert spoken.caller_text("U B 8", "What happened?") == "U B 8"


def test_a_number_heard_as_a_word_is_the_choice_and_a_keyed_date_is_a_date():
    assert spoken.caller_text("Two.", "Press 1 for Yes. Press 2 for No.") == "2"
    assert spoken.keyed_text("07122026", "When should it have been collected? Enter the date") == (
        "07/12/2026"
    )
    assert spoken.keyed_text("31022026", "What date?") == "31022026"  # no such day: as keyed
    assert spoken.keyed_text("12", "What is the house number?") == "12"


def test_g711_round_trips_within_the_codec_s_step_and_silence_is_silence():
    tone = audio.to_pcm(0.5 * np.sin(np.arange(800) * 2 * np.pi * 440 / 8000))
    for encode, decode in (
        (audio.pcm_to_ulaw, audio.ulaw_to_pcm),
        (audio.pcm_to_alaw, audio.alaw_to_pcm),
    ):
        coded = encode(tone)
        assert len(coded) == 800
        back = audio.to_float(decode(coded))
        assert np.max(np.abs(back - audio.to_float(tone))) < 0.02
    assert audio.ulaw_to_pcm(bytes([0xFF])) == b"\0\0"
    assert audio.alaw_to_pcm(audio.pcm_to_alaw(b"\0\0")) in (b"\x08\x00", b"\xf8\xff")


def test_resampling_keeps_the_length_and_the_tone():
    tone = np.sin(np.arange(8000) * 2 * np.pi * 300 / 8000).astype(np.float32)
    up = audio.resample(tone, 8000, 16000)
    assert up.size == 16000
    spectrum = np.abs(np.fft.rfft(up))
    assert abs(np.argmax(spectrum) * 16000 / up.size - 300) < 2
