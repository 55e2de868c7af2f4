"""The API's views: thin, as the pages' are. Reads through the selectors, audited like the pages
(services.audit_event_record); writes through the services (validation, lock, history, audit,
status refresh); permissions by method from the web roles (permissions.ClinicStaff)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker import monitoring, selectors, services
from tracker import records as rt
from tracker.interchange import quality_report, report
from tracker.models import Patient, ScanRequest, TreatmentCourse
from tracker.monitoring.flags import FLAGS
from tracker.selectors import patient_list as patient_list_selector
from tracker.views.common import _listed
from tracker.views.common import today as _today
from tracker.views.patients import FILTER_NAMES

from . import serializers as s
from .errors import Conflict, django_errors, flatten, invalid

# The patient list's filters (name -> (label, values)), exactly the web list's.
PATIENT_FILTERS = {
    name: (FILTER_NAMES[name], values) for name, values in patient_list_selector.FILTERS.items()
}

MRN = OpenApiParameter("mrn", str, OpenApiParameter.PATH, description="The patient's MRN.")
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The record's id.")


def _errors(status_code, text):
    return OpenApiResponse(s.ErrorBody, description=text)


COMMON = {
    400: _errors(400, "Bad input: every error with its path."),
    401: _errors(401, "No valid API token or session."),
    403: _errors(403, "The role does not allow this."),
}
NOT_FOUND = {404: _errors(404, "No such patient or record.")}
CONFLICT = {409: OpenApiResponse(s.ConflictBody, description="Changed since it was read.")}

PatientListQuery = s.patient_list_query(PATIENT_FILTERS)


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    if not query.is_valid():
        raise _Invalid(flatten(query.errors, "query"))
    return query.validated_data


class _Invalid(Exception):
    def __init__(self, errors):
        self.errors = errors


def _patient(mrn) -> Patient:
    return get_object_or_404(selectors.active_patients(), mrn=mrn)


def _row(row) -> dict:
    """A stored or fresh evaluation as a list row: the report's keys and the names (a worklist
    row carries its patient's evaluation, with the reason and the state of the work)."""
    if isinstance(row, selectors.WorklistRow):
        return {**_row(row.patient), "reason": row.reason, "work": row.state}
    return {
        **monitoring.status_to_report(row.status, row.mrn),
        "given_name": row.given_name,
        "family_name": row.family_name,
        "date_of_birth": row.date_of_birth.isoformat(),
        "days_until_due": row.status.days_until_due,
    }


def _evaluation(status_) -> dict:
    texts = status_.flag_texts
    return {
        **monitoring.status_to_report(status_, ""),
        "as_of": status_.as_of.isoformat(),
        "rule_set": str(status_.rule_set),
        "profile": status_.profile,
        "days_until_due": status_.days_until_due,
        "recommendation_reason": status_.recommendation_reason,
        "stable_until": status_.stable_until.isoformat() if status_.stable_until else None,
        "rules_version": status_.rules_version,
        "explanations": [
            {"code": code, "rule": FLAGS[code].rule, "text": texts[code]} for code in status_.flags
        ],
    }


class ApiView(APIView):
    """Methods -> permission codenames in `permissions`; no OPTIONS metadata (405)."""

    permissions: dict[str, str] = {}
    metadata_class = None

    def handle_exception(self, exc):
        if isinstance(exc, _Invalid):
            return invalid(exc.errors)
        return super().handle_exception(exc)

    def body(self, serializer_class, **kwargs):
        body = serializer_class(data=self.request.data, **kwargs)
        if not body.is_valid():
            raise _Invalid(flatten(body.errors))
        return body.validated_data


def _records_of(record_type, patient):
    return (
        record_type.model.objects.filter(**{record_type.patient_path: patient})
        .select_related(*s.USERS)
        .order_by(record_type.dates[0], "pk")
    )


def _save(write):
    """A service's ValidationError as 400 (409 for a stale edit), nothing written."""
    try:
        with transaction.atomic():
            return write()
    except ValidationError as exc:
        if getattr(exc, "code", None) == "conflict":
            raise Conflict(" ".join(exc.messages)) from None
        raise _Invalid(django_errors(exc)) from None


# --- patients --------------------------------------------------------------------------------

PATIENT = s.BODIES[rt.PATIENT.kind]


class PatientList(ApiView):
    http_method_names = ["get", "post", "head"]
    permissions = {"GET": "view_patient", "POST": "add_patient"}

    @extend_schema(
        operation_id="patients_list",
        tags=["patients"],
        parameters=[PatientListQuery],
        responses={200: s.PatientPage, **COMMON},
        description="Active patients with their stored status, in MRN order, a page at a time: "
        "pass the `next` address (after= the page's last MRN) for the next page. Filters as "
        "on the patient list.",
    )
    def get(self, request):
        query = _query(PatientListQuery, request)
        today = _today()
        statuses = selectors.stored_statuses(today, query.get("q", ""))
        chosen = []
        for name in PATIENT_FILTERS:
            value = query.get(name)
            if value:
                chosen.append(f", {name}={value}")
                if name == "section":
                    statuses = statuses.filter(selectors.SECTION_FILTERS[value](today))
                else:
                    statuses = statuses.filter(**{name: value})
        count = statuses.count()
        if query.get("after"):
            statuses = statuses.filter(patient__mrn__gt=query["after"])
        limit = query["limit"]
        page = list(statuses.order_by(F("patient__mrn").asc()).values(*selectors.ROW_FIELDS)[
            : limit + 1
        ])  # fmt: skip
        rows = [selectors.stored_row(values, today) for values in page[:limit]]
        following = None
        if len(page) > limit:
            params = request.query_params.copy()
            params["after"] = rows[-1].mrn
            following = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        services.audit_event_record(
            "list_view",
            request=request,
            detail=f"API {_listed('patient list', len(rows), query.get('q', ''))}, "
            f"{count} in all{''.join(chosen)}",
        )
        return Response({"count": count, "next": following, "results": [_row(r) for r in rows]})

    @extend_schema(
        operation_id="patients_create",
        tags=["patients"],
        request=PATIENT.create,
        responses={201: PATIENT.read, **COMMON},
    )
    def post(self, request):
        data = self.body(PATIENT.create)
        patient = _save(lambda: services.patient_create(actor=request.user, **data))
        headers = {"Location": reverse("api:patient", args=[patient.mrn])}
        return Response(PATIENT.read(patient).data, status=201, headers=headers)


class PatientDetail(ApiView):
    http_method_names = ["get", "patch", "head"]
    permissions = {"GET": "view_patient", "PATCH": "change_patient"}

    @extend_schema(
        operation_id="patients_retrieve",
        tags=["patients"],
        parameters=[MRN],
        responses={200: s.PatientDetail, **COMMON, **NOT_FOUND},
        description="The patient, every record (entered-in-error ones included, marked) and "
        "the fresh evaluation as of today.",
    )
    def get(self, request, mrn):
        patient = _patient(mrn)
        services.audit_event_record(
            "patient_view", request=request, patient=patient, detail="API patient"
        )
        record = selectors.load_records(Patient.objects.filter(pk=patient.pk))[patient.pk]
        evaluated = monitoring.evaluate(record, _today(), selectors.rule_settings())
        body = PATIENT.read(patient).data
        body["status"] = _evaluation(evaluated)
        body["status"]["mrn"] = patient.mrn
        body["records"] = {
            t.kind: s.BODIES[t.kind].read(_records_of(t, patient), many=True).data
            for t in rt.REGISTRY
            if t.owner is not None
        }
        return Response(body)

    @extend_schema(
        operation_id="patients_partial_update",
        tags=["patients"],
        parameters=[MRN],
        request=PATIENT.update,
        responses={200: PATIENT.read, **COMMON, **NOT_FOUND, **CONFLICT},
    )
    def patch(self, request, mrn):
        patient = _patient(mrn)
        data = dict(self.body(PATIENT.update))
        version = data.pop("updated_at")
        saved = _save(
            lambda: services.record_update(
                patient, actor=request.user, expected_updated_at=version, **data
            )
        )
        return Response(PATIENT.read(saved).data)


# --- the clinical records, one set of views per record type of the registry -----------------


def _course_of(patient, course_id):
    course = TreatmentCourse.objects.filter(
        pk=course_id, patient=patient, entered_in_error=False
    ).first()
    if course is None:
        raise _Invalid(
            [
                {
                    "path": "course",
                    "message": "no such treatment course of this patient (or it "
                    "is marked entered in error)",
                }
            ]  # fmt: skip
        )
    return course


def record_views(record_type: rt.RecordType):
    """The list/create, read/update and entered-in-error views of one record type."""
    bodies = s.BODIES[record_type.kind]
    codename = record_type.codename
    title = record_type.title
    tag = record_type.kind
    op = record_type.kind.replace("-", "_")

    def record_of(patient, pk):
        return get_object_or_404(
            record_type.model.objects.select_related(*s.USERS),
            pk=pk,
            **{record_type.patient_path: patient},
        )

    class RecordList(ApiView):
        http_method_names = ["get", "post", "head"]
        permissions = {"GET": f"view_{codename}", "POST": f"add_{codename}"}

        @extend_schema(
            operation_id=f"{op}_list",
            tags=[tag],
            parameters=[MRN],
            responses={200: bodies.read(many=True), **COMMON, **NOT_FOUND},
            description=f"Every {title} of the patient, entered-in-error ones included.",
        )
        def get(self, request, mrn):
            patient = _patient(mrn)
            services.audit_event_record(
                "patient_view", request=request, patient=patient, detail=f"API {title} list"
            )
            return Response(bodies.read(_records_of(record_type, patient), many=True).data)

        @extend_schema(
            operation_id=f"{op}_create",
            tags=[tag],
            parameters=[MRN],
            request=bodies.create,
            responses={201: bodies.read, **COMMON, **NOT_FOUND},
            description=f"Record {record_type.article} {title}, with the checks of the "
            "clinic's form.",
        )
        def post(self, request, mrn):
            patient = _patient(mrn)
            data = dict(self.body(bodies.create))
            confirmed = data.pop("confirm_warnings", False)
            owner = {"patient": patient}
            if record_type.owner == "course":
                owner = {"course": _course_of(patient, data.pop("course"))}
            if record_type is rt.INFUSION and not confirmed:
                warnings = selectors.infusion_warnings(owner["course"], data)
                if warnings:
                    raise _Invalid(
                        [{"path": "confirm_warnings", "message": w.text} for w in warnings]
                    )
            saved = _save(lambda: record_type.create(actor=request.user, **owner, **data))
            saved = record_of(patient, saved.pk)
            location = reverse(f"api:{record_type.kind}", args=[patient.mrn, saved.pk])
            return Response(bodies.read(saved).data, status=201, headers={"Location": location})

    class RecordDetail(ApiView):
        http_method_names = ["get", "patch", "head"]
        permissions = {"GET": f"view_{codename}", "PATCH": f"change_{codename}"}

        @extend_schema(
            operation_id=f"{op}_retrieve",
            tags=[tag],
            parameters=[MRN, ID],
            responses={200: bodies.read, **COMMON, **NOT_FOUND},
        )
        def get(self, request, mrn, pk):
            patient = _patient(mrn)
            record = record_of(patient, pk)
            services.audit_event_record(
                "patient_view", request=request, patient=patient, detail=f"API {title} {pk}"
            )
            return Response(bodies.read(record).data)

        @extend_schema(
            operation_id=f"{op}_partial_update",
            tags=[tag],
            parameters=[MRN, ID],
            request=bodies.update,
            responses={200: bodies.read, **COMMON, **NOT_FOUND, **CONFLICT},
            description="Change some fields; send back the `updated_at` you read (409 if the "
            "record changed since, or is marked entered in error).",
        )
        def patch(self, request, mrn, pk):
            patient = _patient(mrn)
            record = record_of(patient, pk)
            data = dict(self.body(bodies.update))
            version = data.pop("updated_at")
            if record.entered_in_error:
                raise Conflict(
                    "A record marked entered in error cannot be changed.",
                    path="body",
                    current=bodies.read(record).data,
                )
            try:
                _save(
                    lambda: services.record_update(
                        record, actor=request.user, expected_updated_at=version, **data
                    )
                )
            except Conflict as exc:
                exc.current = bodies.read(record_of(patient, pk)).data
                raise
            return Response(bodies.read(record_of(patient, pk)).data)

    class RecordEnteredInError(ApiView):
        http_method_names = ["post"]
        permissions = {"POST": f"change_{codename}"}

        @extend_schema(
            operation_id=f"{op}_entered_in_error",
            tags=[tag],
            parameters=[MRN, ID],
            request=s.EnteredInError,
            responses={200: bodies.read, **COMMON, **NOT_FOUND, **CONFLICT},
            description=f"Mark the {title} entered in error (records are never deleted): it "
            "stays, struck through, with who, when and why.",
        )
        def post(self, request, mrn, pk):
            patient = _patient(mrn)
            record = record_of(patient, pk)
            reason = self.body(s.EnteredInError)["reason"]
            if record.entered_in_error:
                raise Conflict(
                    "This record is already marked entered in error.",
                    path="body",
                    current=bodies.read(record).data,
                )
            _save(lambda: services.mark_entered_in_error(record, actor=request.user, reason=reason))
            return Response(bodies.read(record_of(patient, pk)).data)

    for view in (RecordList, RecordDetail, RecordEnteredInError):
        view.__name__ = view.__qualname__ = f"{record_type.model.__name__}{view.__name__[6:]}"
    return RecordList, RecordDetail, RecordEnteredInError


# Every clinical record of a patient, the follow-through records of issue 12 (scan requests,
# reviews, contacts) included: a scan request is a clinical record like the others (issue 12
# item 1), created, read, edited (its whitelisted fields) and marked entered in error alike.
RECORD_VIEWS = {kind: record_views(t) for kind, t in rt.PATIENT_RECORDS.items()}


# --- a scan request's state: book, cancel, did not attend (issue 12 item 1) -------------------

SCANS = s.BODIES[rt.SCAN_REQUEST.kind]


def scan_state_view(name, body, summary, write):
    """POST .../scans/<id>/<name>/: one state change through its service, with the permission
    of the booking and closing pages (change_scanrequest: nurses, oncologists, cardiology). The
    service checks the state under the patient's lock: a request already closed, or marked
    entered in error, is refused with the field at fault."""

    class ScanState(ApiView):
        http_method_names = ["post"]
        permissions = {"POST": "change_scanrequest"}

        @extend_schema(
            operation_id=f"scans_{name.replace('-', '_')}",
            tags=[rt.SCAN_REQUEST.kind],
            parameters=[MRN, ID],
            request=body,
            responses={200: SCANS.read, **COMMON, **NOT_FOUND},
            description=summary,
        )
        def post(self, request, mrn, pk):
            patient = _patient(mrn)
            scan = get_object_or_404(ScanRequest, pk=pk, patient=patient)
            data = self.body(body)
            _save(lambda: write(scan, request.user, data))
            fresh = ScanRequest.objects.select_related(*s.USERS).get(pk=scan.pk)
            return Response(SCANS.read(fresh).data)

    ScanState.__name__ = ScanState.__qualname__ = f"ScanRequest{name.title().replace('-', '')}"
    return ScanState


SCAN_STATE_VIEWS = {
    "book": scan_state_view(
        "book",
        s.ScanBooking,
        "Record the booking (requested → booked), or move a booked scan to another day.",
        lambda scan, user, data: services.scan_request_book(scan, actor=user, **data),
    ),
    "cancel": scan_state_view(
        "cancel",
        s.ScanCancel,
        "Cancel an open request, with the reason (nothing is deleted).",
        lambda scan, user, data: services.scan_request_close(
            scan, actor=user, state="cancelled", **data
        ),
    ),
    "did-not-attend": scan_state_view(
        "did-not-attend",
        s.ScanDidNotAttend,
        "The patient did not attend the booked scan (a booked request only).",
        lambda scan, user, data: services.scan_request_close(
            scan, actor=user, state="did_not_attend", **data
        ),
    ),
}


# --- the worklist and the reports ------------------------------------------------------------


class Worklist(ApiView):
    http_method_names = ["get", "head"]
    permissions = {"GET": "view_patient"}

    @extend_schema(
        operation_id="worklist",
        tags=["worklist"],
        parameters=[s.WorklistQuery],
        responses={200: s.Worklist, **COMMON},
        description="The worklist's sections from the stored statuses, in their order of "
        "urgency, with each section's count and its first rows (`limit`); the whole of a "
        "section is the patient list with `section=`.",
    )
    def get(self, request):
        query = _query(s.WorklistQuery, request)
        today = _today()
        sections, counts = selectors.worklist(today, query.get("q", ""), limit=query["limit"])
        listed = sum(len(section.rows) for section in sections)
        services.audit_event_record(
            "worklist_view",
            request=request,
            detail=f"API {_listed('worklist', listed, query.get('q', ''))}",
        )
        evaluated_for = counts["evaluated_for"]
        return Response(
            {
                "as_of": today.isoformat(),
                "evaluated_for": evaluated_for.isoformat() if evaluated_for else None,
                "total": counts["total"],
                "sections": [
                    {
                        "key": section.key,
                        "title": section.title,
                        "description": section.description,
                        "count": section.count,
                        "patients": [_row(row) for row in section.rows],
                    }
                    for section in sections
                ],
            }
        )


class MonitoringReport(ApiView):
    http_method_names = ["get", "head"]
    permissions = {"GET": "view_patient"}

    @extend_schema(
        operation_id="monitoring_report",
        tags=["reports"],
        parameters=[s.MonitoringReportQuery],
        responses={200: s.MonitoringReport, **COMMON},
        description="The monitoring report of interchange.md (`manage.py monitoring_report`): "
        "every active patient evaluated afresh at `as_of`, under the clinic's rule set or "
        "`rule_set`.",
    )
    def get(self, request):
        query = _query(s.MonitoringReportQuery, request)
        built = report.build_report(query.get("as_of") or _today(), None, query.get("rule_set"))
        services.audit_event_record(
            "list_view",
            request=request,
            detail=f"API monitoring report: {len(built['patients'])} row(s)",
        )
        return Response(built)


class QualityReport(ApiView):
    http_method_names = ["get", "head"]
    permissions = {"GET": "view_patient"}

    @extend_schema(
        operation_id="quality_report",
        tags=["reports"],
        parameters=[s.QualityReportQuery],
        responses={200: s.QualityReport, **COMMON},
        description="The quality measures Q1-Q7 of quality-measures.md (`manage.py "
        "quality_report`) for the period [from, to], evaluated at `as_of`.",
    )
    def get(self, request):
        query = _query(s.QualityReportQuery, request)
        if query["from"] > query["to"]:
            raise _Invalid(
                [{"path": "query.from", "message": f"{query['from']} is after to {query['to']}"}]
            )
        built = quality_report.build_quality_report(
            query["from"], query["to"], query.get("as_of") or _today()
        )
        services.audit_event_record(
            "list_view",
            request=request,
            detail=f"API quality report: {len(built['measures'])} measure(s)",
        )
        return Response(built)


__all__ = ["MonitoringReport", "PatientDetail", "PatientList", "QualityReport", "Worklist"]
