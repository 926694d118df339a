"""Huddle's features, one package each, loaded as extensions."""
