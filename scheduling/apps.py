from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """Opening hours, closures, working hours, absences, courses and appointments: the
    clinic's calendar, its reminders, the maintenance recall and the iCalendar feeds."""

    name = "scheduling"
    verbose_name = "Courses, appointments and the calendar"
