from django.db import models

# Claims live in core (casestudies sends e-mail the same way); re-exported for this app.
from core.claims import claim, claim_is_free, mark_done, stable_message_id  # noqa: F401


def model_update(instance: models.Model, *, data: dict) -> models.Model:
    """Set the given fields, validate the whole row (model + constraints) and save."""
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance
