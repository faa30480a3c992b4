"""Courses over HTTP: book (POST, the gate and the planner decide), list, read."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from mesoplan.api.base import PracticeReadOnlyViewSet
from mesoplan.tenancy import get_scoped_or_404
from patients.models import Patient
from sessions import booking, selectors
from sessions.models import Appointment, Course

from .course_serializers import CourseCreateSerializer, CourseSerializer

# The patient named in the body is looked up in the caller's practice (API.md: another
# practice's object is simply not found).
PATIENT_NOT_FOUND = OpenApiResponse(description="No patient of this practice has this id.")


class CourseViewSet(mixins.CreateModelMixin, PracticeReadOnlyViewSet):
    """8-session courses. Booking answers 409, naming the reason, when the patient is not
    ready to book or a session cannot be placed."""

    serializer_class = CourseSerializer
    model = Course

    def get_queryset(self):
        return selectors.courses_for(self.request.user).prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.order_by("sequence"))
        )

    @extend_schema(
        request=CourseCreateSerializer,
        responses={201: CourseSerializer, 404: PATIENT_NOT_FOUND},
    )
    def create(self, request, *args, **kwargs):
        body = CourseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        patient = get_scoped_or_404(Patient, request.user, pk=data["patient"])
        booked = booking.book_course(
            actor=request.user,
            patient=patient,
            protocol_code=data["protocol"],
            clinician_id=data["clinician"],
            start=data["start"],
            initial_interval_days=data["initial_interval_days"],
            targets=data["targets"],
            combinations=data["combinations"],
            operation_date=data["operation_date"],
        )
        course = self.get_queryset().get(pk=booked.course.pk)
        return Response(self.get_serializer(course).data, status=status.HTTP_201_CREATED)
