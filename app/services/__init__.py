"""Plain functions that change the domain. They add and flush; the caller commits."""


class DomainError(Exception):
    """A rule was broken. `field` names the form field the message belongs to, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
