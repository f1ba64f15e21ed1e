class ApplicationError(Exception):
    """An action that is not allowed in the current state (as opposed to bad input, which
    raises django.core.exceptions.ValidationError)."""

    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
