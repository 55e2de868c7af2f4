from django import template

register = template.Library()

PHASE_LABELS = {
    "no_course": "No course",
    "planned": "Planned",
    "active": "Active",
    "held": "Held",
    "completed": "Completed",
    "discontinued": "Discontinued",
    "surveillance_complete": "Follow-up complete",
}
STATUS_LABELS = {
    "overdue": ("Overdue", "danger"),
    "due_soon": ("Due soon", "warning"),
    "ok": ("On schedule", "success"),
    "not_required": ("Not required", "secondary"),
}
RECOMMENDATION_LABELS = {
    "continue": ("Continue", "success"),
    "hold": ("Hold", "danger"),
    "may_resume": ("May resume", "info"),
    "discontinue": ("Discontinue", "danger"),
    "none": ("None", "secondary"),
}
RISK_LABELS = {
    "none": ("No co-treatment risk", "secondary"),
    "elevated": ("Elevated co-treatment risk", "warning"),
    "high": ("High co-treatment risk", "danger"),
}


@register.filter
def phase_label(phase):
    return PHASE_LABELS.get(phase, phase)


@register.filter
def status_label(status):
    return STATUS_LABELS.get(status, (status, "secondary"))[0]


@register.filter
def status_colour(status):
    return STATUS_LABELS.get(status, (status, "secondary"))[1]


@register.filter
def recommendation_label(value):
    return RECOMMENDATION_LABELS.get(value, (value, "secondary"))[0]


@register.filter
def recommendation_colour(value):
    return RECOMMENDATION_LABELS.get(value, (value, "secondary"))[1]


@register.filter
def risk_label(value):
    return RISK_LABELS.get(value, (value, "secondary"))[0]


@register.filter
def risk_colour(value):
    return RISK_LABELS.get(value, (value, "secondary"))[1]


@register.filter
def negate(value):
    return None if value is None else -value


@register.inclusion_tag("tracker/_flags.html")
def flag_list(flags, compact=False):
    return {"flags": flags, "compact": compact}


@register.filter
def agent_label(code):
    from tracker.models import AGENT_CHOICES

    return dict(AGENT_CHOICES).get(code, code)


@register.filter
def percent(value):
    """An LVEF or drop without a pointless ".0" (62.0 -> 62, 45.5 -> 45.5)."""
    if value is None:
        return ""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@register.inclusion_tag("tracker/_drop.html")
def lvef_change(drop):
    return {"drop": drop, "rise": -drop if drop is not None and drop < 0 else None}
