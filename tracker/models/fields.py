"""Model fields that speak interchange.md's words: clinical decimals and MRNs."""

from django.core.validators import DecimalValidator, MaxLengthValidator
from django.db import models
from django.utils.functional import cached_property

from tracker.validators import (
    MaxDecimalPlaces,
    normalise_mrn,
    validate_mrn,
)


class ClinicalDecimalField(models.DecimalField):
    """Precision and range speak in interchange.md's words, once per bad value: Django's own
    digit-count messages ("no more than 2 digits before the decimal point") are replaced by the
    field's range validator and a plain decimal-places check."""

    @cached_property
    def validators(self):
        kept = [v for v in super().validators if not isinstance(v, DecimalValidator)]
        return [*kept, MaxDecimalPlaces(self.decimal_places)]

    def formfield(self, **kwargs):
        # The form checks decimal places only; the range validator speaks for the size.
        return super().formfield(**{"max_digits": None, **kwargs})

    def deconstruct(self):
        # Migrations name the package's public path, so the field can move inside the package.
        name, _, args, kwargs = super().deconstruct()
        return name, f"tracker.models.{type(self).__name__}", args, kwargs


class MrnField(models.CharField):
    """An MRN, normalised on the way in (NFKC, no format characters, stripped: issue 9 finding
    3) and checked against the one alphabet of tracker/validators.py (finding 2)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("validators", [validate_mrn])
        super().__init__(*args, **kwargs)
        # validate_mrn speaks for the length, in the words the import and the forms use.
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_mrn(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        # Normalise before the form's length check: a zero-width space must not count.
        from tracker.forms import MrnFormField

        return super().formfield(**{"form_class": MrnFormField, **kwargs})

    def deconstruct(self):
        # Migrations name the package's public path, so the field can move inside the package.
        name, _, args, kwargs = super().deconstruct()
        return name, f"tracker.models.{type(self).__name__}", args, kwargs
