"""The two writes every app's services share: validate the whole row, then save."""

from django.db import models


def model_create(model: type[models.Model], *, data: dict) -> models.Model:
    """A new row of `model` from `data`, validated (fields, model.clean, constraints) and saved."""
    instance = model(**data)
    instance.full_clean()
    instance.save()
    return instance


def model_update(instance: models.Model, *, data: dict) -> models.Model:
    """Set the given fields, validate the whole row (model + constraints) and save."""
    for field, value in data.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance
