"""Verbund: the operating platform of a shared municipal IT service provider."""
