import html
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tracker.labels import (
    CONTINUE_BUT,
    FOLLOW_UP_ANTHRACYCLINE,
    HELD_BUT,
    PHASE_LABELS,
    RECOMMENDATION_LABELS,
    RISK_LABELS,
    STATUS_LABELS,
    number,
    points,
)
from tracker.monitoring.flags import ACTION_SEVERITIES, FLAGS, by_urgency
from tracker.monitoring.wording import day as _wording_day

register = template.Library()

_RULE_IDS = None


def _rule_pattern():
    """Every rule id of the catalogue ("S2", "H3", "C7"), as whole words."""
    global _RULE_IDS
    if _RULE_IDS is None:
        import re

        from tracker.monitoring import catalogue

        ids = sorted({r.id.split()[0] for r in catalogue.RULES if r.id[-1].isdigit()}, key=len)
        _RULE_IDS = re.compile(r"\b(" + "|".join(reversed(ids)) + r")\b")
    return _RULE_IDS


@register.filter(needs_autoescape=True)
def rule_links(text, autoescape=True):
    """The text, escaped, with each rule id in it ("(S2)", "H3:") a link to its explanation on
    How the tracker decides (/flags/#rule-S2; issue 13 item 6): one place, not by hand."""
    from django.utils.html import conditional_escape

    if text is None or text == "":
        return ""
    escaped = str(conditional_escape(text) if autoescape else text)
    base = reverse("tracker:flags")
    return mark_safe(  # noqa: S308 - the text is escaped above; the ids are the catalogue's
        _rule_pattern().sub(
            lambda m: (
                f'<a href="{base}#rule-{m.group(1)}" class="rule-link" '
                f'title="How the tracker decides: rule {m.group(1)}">{m.group(1)}</a>'
            ),
            escaped,
        )
    )


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
def flag_list(flags, compact=False, texts=None):
    """The flags, each with the sentence for this patient when the evaluation gave one
    (PatientStatus.flag_texts: plain words, the rule id after them), else its definition."""
    texts = texts or {}
    return {
        "flags": [(flag, texts.get(flag.code)) for flag in by_urgency(flags)],
        "compact": compact,
    }


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


@register.filter
def record_name(record):
    """A record in words with dates as people read them (the models' __str__ is ISO)."""
    from tracker.selectors.history import record_name as name

    return name(record) if record is not None else ""


@register.filter
def day(value):
    """18 Mar 2026: the one date format people read (issue 13 item 5); ISO only in CSV/JSON."""
    return _wording_day(value) if value else ""


@register.simple_tag
def lvef_change(drop):
    """The change from baseline in words: a negative drop is a rise."""
    if drop is None:
        return ""
    if drop < 0:
        return format_html(
            '<span class="small text-success">up {} from baseline</span>', points(-drop)
        )
    return format_html('<span class="small">drop {}</span>', points(drop))


class ShownRecommendation:
    """The recommendation as shown: never a green "Continue" while a flag asks for action or
    treatment is held (issue 13 item 8); ``but`` says why in words."""

    def __init__(self, status):
        value = status.recommendation
        self.label, self.colour = RECOMMENDATION_LABELS.get(value, (value, "secondary"))
        self.but = ""
        if value == "continue":
            if status.phase == "held":
                self.but = HELD_BUT
            else:
                asking = [
                    FLAGS[code]
                    for code in by_urgency(status.flags)
                    if code in FLAGS and FLAGS[code].severity in ACTION_SEVERITIES
                ]
                reasons = []
                for flag in asking:
                    reason = CONTINUE_BUT.get(flag.code, f"see \u201c{flag.title}\u201d")
                    if reason not in reasons:
                        reasons.append(reason)
                # The two most urgent, so that the sentence stays readable; the flags list all.
                self.but = " and ".join(reasons[:2])
            if self.but:
                self.colour = "secondary"
        self.text = f"{self.label} treatment \u2014 but {self.but}" if self.but else self.label
        # What is expected when the phase alone would say nothing is (S5 with C1).
        self.expected = ""
        if status.phase == "surveillance_complete" and "ANTHRACYCLINE_EXPOSURE" in status.flags:
            self.expected = FOLLOW_UP_ANTHRACYCLINE


@register.simple_tag
def shown_recommendation(status):
    return ShownRecommendation(status)


@register.simple_tag
def doxorubicin_line(status):
    """The cumulative doxorubicin-equivalent dose (C5): "unknown" when an anthracycline has no
    recorded dose, nothing at all without an anthracycline (issue 13 item 5)."""
    if "ANTHRACYCLINE_DOSE_UNKNOWN" in status.flags:
        return "doxorubicin-equivalent unknown"
    anthracycline = {"ANTHRACYCLINE_EXPOSURE", "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE"}
    if status.doxorubicin_equivalent_mg_m2 or anthracycline & set(status.flags):
        return f"doxorubicin-equivalent {number(status.doxorubicin_equivalent_mg_m2)} mg/m\u00b2"
    return ""


@register.simple_tag
def patient_rows(rows):
    """The rows of a patient table, built as plain strings: the worklist shows up to 9 sections
    of rows, and a template (or format_html) per row cost more than all its queries
    (bench/run). Every value from the database goes through html.escape."""
    prefix = reverse("tracker:patients")
    return mark_safe("\n".join(_patient_row(row, prefix) for row in rows))  # noqa: S308


def _day(value) -> str:
    return _wording_day(value)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _due_cell(s) -> str:
    e = html.escape
    if not s.next_assessment_due:
        return '<span class="text-muted">not required</span>'
    if s.assessment_status == "overdue":
        badge = f"{_plural(-s.days_until_due, 'day')} overdue"
    elif s.assessment_status == "due_soon":
        badge = f"in {_plural(s.days_until_due, 'day')}"
    else:
        badge = status_label(s.assessment_status)
    return (
        f'{_day(s.next_assessment_due)}<br><span class="badge '
        f'text-bg-{status_colour(s.assessment_status)}">{e(badge)}</span>'
    )


def _lvef_cell(s) -> str:
    if not s.latest:
        return '<span class="text-muted">none</span>'
    change = f"<br>{lvef_change(s.lvef_drop)}" if s.lvef_drop is not None else ""
    return (
        f'{percent(s.latest.value)}% <span class="text-muted small">'
        f"{_day(s.latest.date)}</span>{change}"
    )


def _flags_cell(row) -> str:
    if not row.status.flags:
        return ""
    e = html.escape
    items = "".join(
        f'<li class="flag flag-{f.severity}" data-flag="{f.code}"><span class="badge '
        f'text-bg-{f.severity}">{e(f.title)}</span><span class="visually-hidden">'
        f"{e(f.explanation)}</span></li>"
        for f in by_urgency(row.flag_details)
    )
    return f'<ul class="list-unstyled mb-0 flag-list">{items}</ul>'


def _patient_row(row, prefix: str) -> str:
    e = html.escape
    s = row.status
    url = e(f"{prefix}{quote(row.mrn, safe='')}/")
    due, lvef = _due_cell(s), _lvef_cell(s)
    risk = ""
    if s.cotreatment_risk != "none":
        risk = (
            f'<br><span class="badge text-bg-{risk_colour(s.cotreatment_risk)}">'
            f"{e(risk_label(s.cotreatment_risk))}</span>"
        )
    flags = _flags_cell(row) or '<span class="text-muted small">No flags</span>'
    shown = ShownRecommendation(s)
    but = f'<div class="small">{e(shown.text)}</div>' if shown.but else ""
    if shown.expected:
        but += f'<div class="small" data-expected>{rule_links(shown.expected)}</div>'
    mrn = e(row.mrn)
    return (
        f'<tr data-mrn="{mrn}">\n<td data-label="MRN"><a href="{url}" '
        f'class="fw-semibold row-link touch-target">{mrn}</a></td>\n'
        f'<td data-label="Name"><a href="{url}" class="row-link touch-target">{e(row.name)}</a>'
        f'</td>\n<td data-label="Phase">{e(phase_label(s.phase))}</td>\n'
        f'<td data-label="Next assessment">{due}</td>\n<td data-label="Latest LVEF">{lvef}</td>\n'
        f'<td data-label="Recommendation / risk"><span class="badge text-bg-{shown.colour}">'
        f'{e(shown.label)}</span>{but}{risk}</td>\n<td data-label="Flags">{flags}</td></tr>'
    )


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _recorded(record) -> str:
    """Who recorded the row and when (issue 13 item 15): "Nora Navigator, 18 Mar 2026 14:05"."""
    by = html.escape(_person(record.created_by))
    at = getattr(record, "created_at", None)
    if at is None:
        return by
    at = timezone.localtime(at)
    when = f'<span class="text-nowrap">{_day(at)} {at:%H:%M}</span>'
    return f"{by}<br>{when}" if by else when


@register.simple_tag
def history_rows(entries, mrn, changeable):
    """The timeline's history table, newest first, built as strings like patient_rows (a long
    history is hundreds of rows). Records entered in error are struck through, with the reason,
    who and when, and offer no edit."""
    if not entries:
        return mark_safe(  # noqa: S308 - constant text
            '<tr><td colspan="5" class="text-muted" data-label="">Nothing recorded yet.</td></tr>'
        )
    e = html.escape
    base = reverse("tracker:patient", args=[mrn])
    lines = []
    for entry in entries:
        record = entry.record
        struck = ' class="entered-in-error"' if record.entered_in_error else ""
        notes = f'<div class="small text-muted">{e(record.notes)}</div>' if record.notes else ""
        error = ""
        actions = ""
        if record.entered_in_error:
            by = _person(record.entered_in_error_by)
            at = timezone.localtime(record.entered_in_error_at)
            when = f"{_day(at)} {at:%H:%M}"
            error = (
                f'<div class="small text-danger">Entered in error: '
                f"{e(record.entered_in_error_reason)} ({e(by) + ', ' if by else ''}{when})</div>"
            )
        elif entry.kind in changeable:
            url = f"{base}{entry.kind}/{record.pk}/"
            actions = (
                f'<a class="btn btn-sm btn-link px-1 me-2 touch-target" '
                f'href="{e(url)}edit/">Edit</a>'
                f'<a class="btn btn-sm btn-link px-1 text-danger touch-target" '
                f'href="{e(url)}entered-in-error/">Entered in error</a>'
            )
        row_class = "entered-in-error-row" if record.entered_in_error else ""
        lines.append(
            f'<tr class="{row_class}" data-kind="{entry.kind}">'
            f'\n<td class="text-nowrap" data-label="Date"><span{struck}>{_day(entry.date)}</span>'
            f'</td>\n<td data-label="Record"><span{struck}>{e(entry.label)}</span></td>'
            f'\n<td data-label="Details"><span{struck}>{e(entry.summary)}</span>{notes}{error}</td>'
            f'\n<td class="small text-muted recorded" data-label="Recorded">'
            f"{_recorded(record)}</td>"
            f'\n<td class="text-nowrap d-print-none" data-label="">{actions}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - every value above is escaped


@register.filter
def any_danger(items):
    """True when one of the warnings says not to dose (shown red; issue 13 item 11)."""
    return any(getattr(item, "danger", False) for item in items or ())


# Issue 12 item 5: what each section's rows offer, by the permission each action needs.
_ROW_ACTIONS = {
    "book_scan": ("request", "letter", "contact"),
    "chase": ("book", "request", "contact", "letter"),
    "booked": ("book", "contact"),
    "review": ("review", "end_hold"),
    "check_record": (),
    "dose": (),
}
_ACTION_PERMISSIONS = {
    "request": "tracker.add_scanrequest",
    "book": "tracker.change_scanrequest",
    "contact": "tracker.add_contactlog",
    "letter": "tracker.add_contactlog",
    "review": "tracker.add_recommendationreview",
    "end_hold": "tracker.change_treatmenthold",  # oncologists only (issue 12 item 8)
}


@register.simple_tag
def worklist_rows(section, user):
    """A worklist section's rows as strings (as patient_rows): who, why in words, the due date
    and the latest LVEF, the recommendation (with a current review), the state of the work and
    the latest contact, and the row's action buttons (by the user's permissions)."""
    allowed = frozenset(a for a, perm in _ACTION_PERMISSIONS.items() if user.has_perm(perm))
    prefix = reverse("tracker:patients")
    rows = section.html.get((allowed, prefix))
    if rows is None:
        rows = section.html[allowed, prefix] = "\n".join(
            _worklist_row(section.key, row, prefix, allowed) for row in section.rows
        )
    return mark_safe(rows)  # noqa: S308 - every value is escaped in _worklist_row


def _worklist_row(key, row, prefix, allowed) -> str:
    e = html.escape
    s, work = row.status, row.work
    url = f"{prefix}{quote(row.mrn, safe='')}/"
    due, lvef = _due_cell(s), _lvef_cell(s)
    warning = f'<div class="small text-danger">{e(row.warning)}</div>' if row.warning else ""
    shown = ShownRecommendation(s)
    risk = ""
    if s.cotreatment_risk != "none":
        risk = (
            f'<br><span class="badge text-bg-{risk_colour(s.cotreatment_risk)}" '
            f'data-risk="{e(s.cotreatment_risk)}">{e(risk_label(s.cotreatment_risk))}</span>'
        )
    but = f'<div class="small">{e(shown.text)}</div>' if shown.but else ""
    if shown.expected:
        but += f'<div class="small" data-expected>{rule_links(shown.expected)}</div>'
    review = f'<div class="small" data-review>{e(row.review)}</div>' if row.review else ""
    contact = (
        f'<div class="small text-muted" data-contact>Last contact: {e(row.contact)}</div>'
        if row.contact
        else ""
    )
    buttons = []
    for action in _ROW_ACTIONS.get(key, ()):
        if action not in allowed:
            continue
        if action == "request" and not work.request_state:
            buttons.append((f"{url}scans/new/", "Request scan"))
        elif action == "book" and work.request_id:
            buttons.append((f"{url}scans/{work.request_id}/book/", "Record booking"))
        elif action == "contact":
            buttons.append((f"{url}contacts/new/", "Log contact"))
        elif action == "letter" and s.next_assessment_due:
            buttons.append((f"{url}letter/", "Print letter"))
        elif action == "review":
            buttons.append((f"{url}reviews/new/", "Record review"))
        elif action == "end_hold" and work.open_hold_id:
            # The timeline's form; ?next=worklist brings the user back here.
            buttons.append((f"{url}holds/{work.open_hold_id}/end/?next=worklist", "End hold"))
    buttons.append((url, "Open record"))
    actions = " ".join(
        f'<a class="btn btn-sm btn-outline-primary mb-1 touch-target" href="{e(href)}">'
        f"{e(text)}</a>"
        for href, text in buttons
    )
    mrn = e(row.mrn)
    return (
        f'<tr data-mrn="{mrn}">'
        f'\n<td data-label="Patient"><a href="{e(url)}" class="fw-semibold row-link touch-target">'
        f'{mrn}</a><br><a href="{e(url)}" class="row-link touch-target">'
        f"{e(row.patient.name)}</a></td>"
        f'\n<td data-label="Why">{e(row.reason)}{warning}{_flags_cell(row.patient)}</td>'
        f'\n<td data-label="Next assessment">{due}</td>'
        f'\n<td data-label="Latest LVEF">{lvef}</td>'
        f'\n<td data-label="Recommendation"><span class="badge text-bg-{shown.colour}">'
        f"{e(shown.label)}</span>{but}{risk}{review}</td>"
        f'\n<td data-label="Work done">{e(row.state)}{contact}</td>'
        f'\n<td data-label="Actions" class="d-print-none">{actions}</td></tr>'
    )


@register.inclusion_tag("tracker/_print_summary.html")
def print_summary(history, status):
    """The printed timeline's tables (issue 13 item 16): every LVEF with its fall from
    baseline, the holds and the courses, oldest first, records entered in error left out, so
    that one A4 page can go with a referral."""
    live = [e for e in history.entries if not e.record.entered_in_error]
    baseline = status.baseline
    lvefs = []
    for entry in sorted((e for e in live if e.kind == "lvef"), key=lambda e: e.date):
        m = entry.record
        if baseline is not None and m.date == baseline.date and m.value == baseline.value:
            change = "baseline"
        elif baseline is not None and m.date > baseline.date:
            drop = baseline.value - m.value
            change = f"up {points(-drop)}" if drop < 0 else f"drop {points(drop)}"
        else:
            change = "\u2014"
        modality = PRINT_MODALITY.get(m.modality, m.get_modality_display())
        lvefs.append((m.date, f"{percent(m.value)}%", modality, change))
    holds = [
        (e.record.start, e.record.end, e.record.get_reason_display())
        for e in sorted((e for e in live if e.kind == "holds"), key=lambda e: e.date)
    ]
    courses = [c for c in reversed(history.courses) if not c.entered_in_error]
    # A long history side by side, oldest first down each column, so that 40 LVEFs still fit one
    # A4 page; up to PRINT_LVEF_ROWS stay one table, and never more than 3 columns (the width).
    count = -(-len(lvefs) // PRINT_LVEF_ROWS) if lvefs else 1
    count = min(count, 3)
    per = -(-len(lvefs) // count) if lvefs else 0
    columns = [lvefs[i * per : (i + 1) * per] for i in range(count)] if lvefs else [[]]
    return {
        "lvefs": lvefs,
        "lvef_columns": [c for c in columns if c] or [[]],
        "holds": holds,
        "courses": courses,
        "long": len(lvefs) > PRINT_LVEF_ROWS,
    }


PRINT_LVEF_ROWS = 12
# The printed table's short modality names, as staff say them (the screen keeps the full ones).
PRINT_MODALITY = {"echo": "Echo", "muga": "MUGA", "cmr": "Cardiac MRI"}
