"""Draw a BPMN document that has no diagram: add BPMN DI (shapes and edges) in a simple left to
right layout, so bpmn-js can show it. A document drawn in a modeller keeps its own drawing.

Columns follow the longest path from the start event; each column's elements stack downwards;
boundary events sit on their activity's lower edge.
"""

from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
_SIZES = {"event": (36, 36), "gateway": (50, 50), "task": (120, 80)}
_COLUMN, _ROW, _LEFT, _TOP = 190, 130, 60, 80


def _kind(tag: str) -> str:
    name = etree.QName(tag).localname
    if name.endswith("Event"):
        return "event"
    if name.endswith("Gateway"):
        return "gateway"
    return "task"


def add_diagram(bpmn: str) -> str:
    """``bpmn`` with a diagram added if it has none."""
    root = etree.fromstring(bpmn.encode())
    if root.find(f"{{{BPMNDI}}}BPMNDiagram") is not None:
        return bpmn
    process = root.find(f"{{{BPMN}}}process")
    flows = process.findall(f"{{{BPMN}}}sequenceFlow")
    nodes = {
        el.get("id"): el
        for el in process
        if el.get("id")
        and etree.QName(el.tag).localname not in {"sequenceFlow", "laneSet"}
        and not isinstance(el, etree._Comment)
        and etree.QName(el.tag).localname not in {"extensionElements", "documentation"}
    }
    boundaries = {
        i: el for i, el in nodes.items() if etree.QName(el.tag).localname == "boundaryEvent"
    }
    outgoing: dict[str, list[str]] = {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    column: dict[str, int] = {}
    starts = [i for i, el in nodes.items() if etree.QName(el.tag).localname == "startEvent"]
    stack: list[tuple[str, int, frozenset[str]]] = [(s, 0, frozenset()) for s in starts]
    while stack:
        node, depth, seen = stack.pop()
        if node in seen or column.get(node, -1) >= depth:
            continue
        column[node] = depth
        for target in outgoing.get(node, []):
            stack.append((target, depth + 1, seen | {node}))
        for b_id, b in boundaries.items():
            if b.get("attachedToRef") == node:
                for target in outgoing.get(b_id, []):
                    stack.append((target, depth + 1, seen | {node}))
    rows: dict[int, int] = {}
    bounds: dict[str, tuple[int, int, int, int]] = {}
    for node in sorted(
        (n for n in nodes if n in column), key=lambda n: (column[n], list(nodes).index(n))
    ):
        col = column[node]
        row = rows.get(col, 0)
        rows[col] = row + 1
        w, h = _SIZES[_kind(nodes[node].tag)]
        x = _LEFT + col * _COLUMN + (120 - w) // 2
        y = _TOP + row * _ROW + (80 - h) // 2
        bounds[node] = (x, y, w, h)
    for count, (b_id, b) in enumerate(boundaries.items()):
        host = bounds.get(b.get("attachedToRef"))
        if host:
            bounds[b_id] = (host[0] + 70 - 18 * (count % 2), host[1] + host[3] - 18, 36, 36)
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id=f"{process.get('id')}_diagram")
    plane = etree.SubElement(
        diagram,
        f"{{{BPMNDI}}}BPMNPlane",
        id=f"{process.get('id')}_plane",
        bpmnElement=process.get("id"),
    )
    for node, (x, y, w, h) in bounds.items():
        shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{node}_di", bpmnElement=node)
        if _kind(nodes[node].tag) == "gateway":
            shape.set("isMarkerVisible", "true")
        etree.SubElement(shape, f"{{{DC}}}Bounds", x=str(x), y=str(y), width=str(w), height=str(h))
    for flow in flows:
        src, dst = bounds.get(flow.get("sourceRef")), bounds.get(flow.get("targetRef"))
        if not src or not dst:
            continue
        edge = etree.SubElement(
            plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{flow.get('id')}_di", bpmnElement=flow.get("id")
        )
        sx, sy = src[0] + src[2], src[1] + src[3] // 2
        if flow.get("sourceRef") in boundaries:
            sx, sy = src[0] + src[2] // 2, src[1] + src[3]
        tx, ty = dst[0], dst[1] + dst[3] // 2
        points = [(sx, sy)] if sy == ty else [(sx, sy), ((sx + tx) // 2, sy), ((sx + tx) // 2, ty)]
        for px, py in [*points, (tx, ty)]:
            etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(px), y=str(py))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
