"""A DMN decision table as rows and cells, for the hub to show and an administrator to change:
read the inputs, outputs and rules; write changed cells back into the document. Each cell is
checked as the engine will read it (an input entry is a value, a comparison such as ``> 2500``
or a range with ``?``; ``-`` matches anything) before a new version is saved."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from lxml import etree

NS = {"dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/"}


@dataclass
class Table:
    name: str
    hit_policy: str
    inputs: list[str]
    outputs: list[str]
    rules: list[dict]  # {"id", "description", "cells": [text...]} inputs then outputs


def read(dmn: str) -> Table:
    root = etree.fromstring(dmn.encode())
    decision = root.find("dmn:decision", NS)
    table = decision.find("dmn:decisionTable", NS)
    inputs = [
        el.get("label") or el.findtext("dmn:inputExpression/dmn:text", "", NS)
        for el in table.findall("dmn:input", NS)
    ]
    outputs = [el.get("label") or el.get("name") for el in table.findall("dmn:output", NS)]
    rules = []
    for rule in table.findall("dmn:rule", NS):
        cells = [
            (entry.findtext("dmn:text", "", NS) or "").strip()
            for entry in [*rule.findall("dmn:inputEntry", NS), *rule.findall("dmn:outputEntry", NS)]
        ]
        rules.append(
            {
                "id": rule.get("id"),
                "description": rule.findtext("dmn:description", "", NS),
                "cells": cells,
            }
        )
    return Table(
        decision.get("name") or decision.get("id"),
        table.get("hitPolicy", "UNIQUE"),
        inputs,
        outputs,
        rules,
    )


class CellError(ValueError):
    def __init__(self, message: str, rule: int, column: int):
        super().__init__(message)
        self.rule, self.column = rule, column


def _check_input(text: str) -> bool:
    if text in ("", "-"):
        return True
    for candidate in (text.replace("?", "v"), f"v {text}"):
        try:
            ast.parse(candidate, mode="eval")
            return True
        except SyntaxError:
            continue
    return False


def _check_output(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
        return True
    except SyntaxError:
        return False


def write(dmn: str, cells: dict[tuple[int, int], str]) -> str:
    """``dmn`` with the given cells (rule index, column index) changed; raises ``CellError``
    for a cell the engine could not read."""
    root = etree.fromstring(dmn.encode())
    table = root.find("dmn:decision/dmn:decisionTable", NS)
    width_in = len(table.findall("dmn:input", NS))
    for r, rule in enumerate(table.findall("dmn:rule", NS)):
        entries = [*rule.findall("dmn:inputEntry", NS), *rule.findall("dmn:outputEntry", NS)]
        for c, entry in enumerate(entries):
            if (r, c) not in cells:
                continue
            text = cells[(r, c)].strip()
            is_input = c < width_in
            if not text and not is_input:
                raise CellError("Enter what this rule decides", r, c)
            if not (_check_input(text) if is_input else _check_output(text)):
                raise CellError(
                    'Enter a value in quotes ("refuse"), a number, True or False, a comparison '
                    "such as > 2500, or - for any value",
                    r,
                    c,
                )
            node = entry.find("dmn:text", NS)
            node.text = text or "-"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
