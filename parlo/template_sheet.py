"""`parlo templates`: every WhatsApp template, ready to submit to Twilio for approval."""

from __future__ import annotations


def template_sheet(*, as_json: bool = False) -> str:
    """Every WhatsApp template with its variables and sample Spanish text, to submit to Twilio/Meta.

    The draft body replaces each numbered variable's sample value with ``{{n}}``; review it
    before submitting (a sample value that also appears elsewhere in the text is replaced too).
    """
    import json
    import re
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from messaging.templates import SAMPLES, TEMPLATES, render

    # The samples are written for Friday 16 January 2026, 10:00 in Mexico City ("mañana sábado").
    sample_now = datetime(2026, 1, 16, 10, 0, tzinfo=ZoneInfo("America/Mexico_City"))
    sheet = []
    for name, template in TEMPLATES.items():
        rendered = render(name, SAMPLES[name], now=sample_now)
        draft = rendered.body
        for number, value in sorted(rendered.content_variables.items(), key=lambda item: -len(item[1])):
            if value:
                draft = re.sub(re.escape(value), "{{" + number + "}}", draft, flags=re.IGNORECASE)
        sheet.append({"name": name, "required": list(template.required), "optional": list(template.optional),
                      "content_variables": rendered.content_variables, "sample": rendered.body, "draft": draft})
    if as_json:
        return json.dumps(sheet, ensure_ascii=False, indent=2)
    blocks = []
    for item in sheet:
        numbered = "\n".join(f"    {{{{{n}}}}} = {v!r}" for n, v in item["content_variables"].items())
        blocks.append(
            f"== {item['name']}\n"
            f"  variables: {', '.join(item['required'])}"
            + (f"; opcionales: {', '.join(item['optional'])}" if item["optional"] else "") + "\n"
            f"  variables de Twilio (ContentVariables):\n{numbered}\n"
            f"  texto de ejemplo:\n    " + item["sample"].replace("\n", "\n    ") + "\n"
            "  borrador para Twilio:\n    " + item["draft"].replace("\n", "\n    ")
        )
    return "\n\n".join(blocks)
