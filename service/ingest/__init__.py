"""Converters from the raw and curated sources to the committed Turtle in data/ttl/."""
