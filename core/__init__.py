"""Shared infrastructure for Huddle. Knows no feature."""
