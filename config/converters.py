from datetime import date


class IsoDateConverter:
    """A date in a URL, written 2022-10-17."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return date.fromisoformat(value)

    def to_url(self, value):
        return value if isinstance(value, str) else value.isoformat()
