"""Issue 16 (hole 4): the one rule for control characters, and cleaning text for XML."""

from borough.core.text import control_character_problem, has_control_characters, xml_safe


def test_c0_controls_and_del_are_control_characters_but_tab_cr_lf_are_not():
    for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]:
        assert has_control_characters(f"a{chr(code)}b"), hex(code)
    assert not has_control_characters("tab\tcr\rlf\n and £ é 🙂")


def test_the_problem_names_where_the_control_character_is():
    assert control_character_problem("fine") is None
    assert control_character_problem("bad\x1b") == ""
    document = {"service": "x", "answers": {"details": ["ok", "bad\x00"]}}
    assert control_character_problem(document) == "answers.details[1]"
    assert control_character_problem({"ke\x07y": "v"}) == "(a field name)"
    assert control_character_problem({"n": 1, "b": True, "none": None}) is None


def test_xml_safe_takes_out_what_xml_cannot_hold():
    assert xml_safe("Rubbish\x0b\x1b by the gate\ufffe") == "Rubbish by the gate"
    assert xml_safe("keeps\ttabs\nand £ 🙂") == "keeps\ttabs\nand £ 🙂"
