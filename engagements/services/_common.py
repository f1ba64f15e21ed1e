from django.db import models


def model_update(instance: models.Model, *, data: dict) -> models.Model:
    """Set the given fields, validate the whole row (model + constraints) and save."""
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance
