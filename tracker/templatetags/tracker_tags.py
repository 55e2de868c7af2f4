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
    "none": ("No recommendation", "secondary"),
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
