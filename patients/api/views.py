"""Patients and screenings over HTTP: thin, calls services and selectors."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mesoplan import audit
from mesoplan.api.base import PracticeReadOnlyViewSet, PracticeViewSet
from mesoplan.audit import Action
from mesoplan.tenancy import get_scoped_or_404
from patients import selectors, services
from patients.models import Patient, Screening

from .serializers import (
    AcknowledgeSerializer,
    PatientSerializer,
    PatientVersionSerializer,
    PhotographyConsentCreateSerializer,
    PhotographyConsentSerializer,
    ScreeningCreateSerializer,
    ScreeningSerializer,
)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("q", str, description="Matches name, e-mail or phone")]
    )
)
class PatientViewSet(PracticeViewSet):
    serializer_class = PatientSerializer
    model = Patient
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            qs = selectors.search_patients(qs, self.request.query_params.get("q"))
        return qs

    def _facts(self, patients) -> dict:
        """What every representation of patients carries besides their columns: the
        booking gate per indication and the photography consent, one query each for the
        shown rows."""
        user = self.request.user
        latest = selectors.latest_screenings(user, [p.pk for p in patients])
        return {
            "readiness": {p.pk: selectors.readiness_for(p, latest) for p in patients},
            "photography_consents": selectors.photography_consents(user, [p.pk for p in patients]),
        }

    def get_serializer(self, *args, **kwargs):
        """Every representation of patients carries their readiness and consent to
        photography (the ETag too)."""
        instance = args[0] if args else kwargs.get("instance")
        shown = [instance] if isinstance(instance, Patient) else instance
        if isinstance(shown, list):
            kwargs["context"] = {**self.get_serializer_context(), **self._facts(shown)}
        return super().get_serializer(*args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        patient = self.get_object()
        audit.record(request.user, Action.PATIENT_VIEW, patient, patient_id=patient.pk)
        return Response(self.get_serializer(patient).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        duplicates = list(
            selectors.possible_duplicates(
                self.request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
            ).values_list("pk", flat=True)
        )
        serializer.instance = services.create_patient(actor=self.request.user, **data)
        serializer.context["possible_duplicates"] = {serializer.instance.pk: duplicates}
        serializer.context.update(self._facts([serializer.instance]))

    def perform_update(self, serializer):
        serializer.instance = services.update_patient(
            actor=self.request.user, patient=serializer.instance, **serializer.validated_data
        )
        serializer.context.update(self._facts([serializer.instance]))

    @extend_schema(
        request=PhotographyConsentCreateSerializer,
        responses={201: PhotographyConsentSerializer},
    )
    @action(detail=True, methods=["post"], url_path="photography-consent")
    def photography_consent(self, request, pk=None):
        """Records the patient's consent to clinical photography, or its withdrawal (a
        clinician). Earlier answers are kept; the newest is the patient's current one,
        and a photo needs it."""
        patient = self.get_object()
        body = PhotographyConsentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        consent = services.record_photography_consent(
            actor=request.user, patient=patient, given=body.validated_data["given"]
        )
        return Response(PhotographyConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PatientVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every version of the patient's details, newest first: who changed what, and when.
        A page like every list; each version says what it changed from the one before,
        also across a page boundary."""
        patient = self.get_object()
        records = selectors.history_records(patient)
        page = self.paginate_queryset(records) or []
        older = selectors.record_before(records, page[-1]) if page else None
        versions = selectors.versions_of(page, older)
        return self.get_paginated_response(PatientVersionSerializer(versions, many=True).data)


class ScreeningViewSet(mixins.CreateModelMixin, PracticeReadOnlyViewSet):
    """A patient's screenings, newest first. Never edited: a new answer makes a new one."""

    serializer_class = ScreeningSerializer
    model = Screening

    def patient(self) -> Patient:
        if not hasattr(self, "_patient"):
            self._patient = get_scoped_or_404(
                Patient, self.request.user, pk=self.kwargs["patient_pk"]
            )
        return self._patient

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no patient
            return Screening.objects.none()
        return selectors.screenings_for(self.request.user).filter(patient=self.patient())

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        patient = self.patient()
        audit.record(request.user, Action.SCREENING_LIST, patient, patient_id=patient.pk)
        return response

    def retrieve(self, request, *args, **kwargs):
        screening = self.get_object()
        audit.record(
            request.user, Action.SCREENING_VIEW, screening, patient_id=screening.patient_id
        )
        return Response(self.get_serializer(screening).data)

    @extend_schema(request=ScreeningCreateSerializer, responses={201: ScreeningSerializer})
    def create(self, request, *args, **kwargs):
        answers = ScreeningCreateSerializer(
            data=request.data, context={**self.get_serializer_context(), "patient": self.patient()}
        )
        answers.is_valid(raise_exception=True)
        screening = services.create_screening(
            actor=request.user, patient=self.patient(), **answers.validated_data
        )
        screening = self.get_queryset().get(pk=screening.pk)
        return Response(self.get_serializer(screening).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AcknowledgeSerializer, responses=ScreeningSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, patient_pk=None, pk=None):
        """A clinician records the decision to proceed despite a 'caution' outcome."""
        screening = self.get_object()
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            services.acknowledge_caution(
                actor=request.user, screening=screening, reason=body.validated_data["reason"]
            )
        screening = self.get_queryset().get(pk=screening.pk)
        return Response(self.get_serializer(screening).data)
