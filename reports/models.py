"""Meso-Report builds and dashboards (roadmap)."""
