from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


@register.simple_tag
def lvef_change(drop):
    """The change from baseline in words: a negative drop is a rise."""
    if drop is None:
        return ""
    if drop < 0:
        return format_html(
            '<span class="small text-success">up {} pts from baseline</span>', percent(-drop)
        )
    return format_html('<span class="small">drop {} pts</span>', percent(drop))


@register.simple_tag
def patient_rows(rows):
    """The rows of a patient table, rendered in Python: the worklist shows up to 9 sections of
    rows, and a template include per row cost more than all its queries (bench/run)."""
    return format_html_join("\n", "{}", ((_patient_row(row),) for row in rows))


def _patient_row(row):
    s = row.status
    url = reverse("tracker:patient", args=[row.mrn])
    if s.next_assessment_due:
        if s.assessment_status == "overdue":
            days = -s.days_until_due
            badge = f"{days} day{'s' if days != 1 else ''} overdue"
        elif s.assessment_status == "due_soon":
            badge = f"in {s.days_until_due} day{'s' if s.days_until_due != 1 else ''}"
        else:
            badge = status_label(s.assessment_status)
        due = format_html(
            '{}<br><span class="badge text-bg-{}">{}</span>',
            date_format(s.next_assessment_due, "d M Y"),
            status_colour(s.assessment_status),
            badge,
        )
    else:
        due = mark_safe('<span class="text-muted">not required</span>')  # noqa: S308
    if s.latest:
        change = ""
        if s.lvef_drop is not None:
            change = format_html("<br>{}", lvef_change(s.lvef_drop))
        lvef = format_html(
            '{}% <span class="text-muted small">{}</span>{}',
            percent(s.latest.value),
            date_format(s.latest.date, "d M Y"),
            change,
        )
    else:
        lvef = mark_safe('<span class="text-muted">none</span>')  # noqa: S308
    risk = ""
    if s.cotreatment_risk != "none":
        risk = format_html(
            '<br><span class="badge text-bg-{}">{}</span>',
            risk_colour(s.cotreatment_risk),
            risk_label(s.cotreatment_risk),
        )
    flags = (
        format_html(
            '<ul class="list-unstyled mb-0 flag-list">{}</ul>',
            format_html_join(
                "",
                '<li class="flag flag-{}" data-flag="{}"><span class="badge text-bg-{}">{}</span>'
                '<span class="visually-hidden">{}</span></li>',
                (
                    (f.severity, f.code, f.severity, f.title, f.explanation)
                    for f in row.flag_details
                ),
            ),
        )
        if s.flags
        else mark_safe('<span class="text-muted small">No flags</span>')  # noqa: S308
    )
    return format_html(
        '<tr data-mrn="{mrn}">\n<td><a href="{url}" class="fw-semibold">{mrn}</a></td>\n'
        '<td><a href="{url}">{name}</a></td>\n<td>{phase}</td>\n<td>{due}</td>\n'
        "<td>{lvef}</td>\n"
        '<td><span class="badge text-bg-{rec_colour}">{rec}</span>{risk}</td>\n'
        "<td>{flags}</td></tr>",
        mrn=row.mrn,
        url=url,
        name=row.name,
        phase=phase_label(s.phase),
        due=due,
        lvef=lvef,
        rec_colour=recommendation_colour(s.recommendation),
        rec=recommendation_label(s.recommendation),
        risk=risk,
        flags=flags,
    )
