"""Appointments, session records, passes, lots, adverse events, surveys (roadmap)."""
