from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


@contextmanager
def unique_or_error(message, **params):
    """Saves whose uniqueness `full_clean` checked may still collide when two requests race;
    the database's constraint then decides, and the user reads `message` instead of a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ValidationError(message, params=params) from error
