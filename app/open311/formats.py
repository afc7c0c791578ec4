"""Open311's two formats: the same lists of records as JSON or as XML."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Response, json

JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _append(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, list):
        item_name = name[:-1] if name.endswith("s") else "item"
        for item in value:
            if isinstance(item, dict):
                child = ET.SubElement(element, item_name)
                for key, inner in item.items():
                    _append(child, key, inner)
            else:
                ET.SubElement(element, item_name).text = _text(item)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, data) -> bytes:
    """`data`: a list of records under <root><item>…; or one record as <root>…</root>."""
    top = ET.Element(root)
    records = data if isinstance(data, list) else [data]
    for record in records:
        parent = ET.SubElement(top, item) if item else top
        for key, value in record.items():
            _append(parent, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8")


def answer(fmt: str, data, *, root: str, item: str | None, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, item, data), status=status, content_type=XML)
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type=JSON)


def error(fmt: str, status: int, description: str) -> Response:
    return answer(fmt, [{"code": status, "description": description}], root="errors",
                  item="error", status=status)
