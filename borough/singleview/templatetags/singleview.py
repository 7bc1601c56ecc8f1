"""Template filters naming the engine's things in the single view's pages (see ``labels``)."""

from django import template

from borough.singleview import labels, waterfall

register = template.Library()

register.filter("source_name", labels.source_name)
register.filter("record_name", labels.record_name)
register.filter("field_label", labels.field_label)
register.filter("field_value", labels.field_value)
register.filter("evidence_level", labels.evidence_level)
register.filter("signed", waterfall.signed)
