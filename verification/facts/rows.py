"""Serializers over `.values()` rows: one declaration for the schema and the JSON, built fast.

The facts list is the API's busiest endpoint, and DRF's own rendering (an attribute walk, a
`to_representation` call and a dict per field, per row) costs more than the query on a page of
50. A `RowSerializer` keeps its declared fields as the one description of the shape: the OpenAPI
schema reads them, and its `to_representation` follows a plan compiled once from the same fields.
Each field reads the row's key named by its `source`; a nested row serializer with `source="*"`
reads the same row, one with `many=True` each dict of the list under its key. Values that are
already their JSON form (numbers, text, booleans, lists of text) are copied; date-times go through
the field's own `to_representation`. A field of any other kind is refused when the plan is
compiled, so a new field never renders differently from what the schema says.
"""

from collections.abc import Callable
from operator import itemgetter

from rest_framework import serializers

# Fields whose row value is already its JSON form: copied as they are.
_COPIED = (
    serializers.BooleanField,
    serializers.CharField,
    serializers.ChoiceField,
    serializers.FloatField,
    serializers.IntegerField,
)
# Fields whose row value is converted by the field itself (None stays None).
_CONVERTED = (serializers.DateTimeField,)

Reader = Callable[[dict], object]


# A read-only serializer over dict rows, rendered by a plan of its declared fields. (No docstring:
# drf-spectacular would give it to every subclass without one as the schema's description.)
class RowSerializer(serializers.Serializer):
    @classmethod
    def row_renderer(cls) -> Callable[[dict], dict]:
        """The function that turns one row into this serializer's JSON (compiled once)."""
        renderer = cls.__dict__.get("_row_renderer")
        if renderer is None:
            renderer = _compile(cls())
            # A race here only compiles the same plan twice.
            cls._row_renderer = renderer
        return renderer

    def to_representation(self, instance: dict) -> dict:
        return self.row_renderer()(instance)


def _compile(serializer: serializers.Serializer) -> Callable[[dict], dict]:
    steps = [
        (name, _reader(field, where=f"{type(serializer).__name__}.{name}"))
        for name, field in serializer.fields.items()
        if not field.write_only
    ]

    def render(row: dict) -> dict:
        return {name: read(row) for name, read in steps}

    return render


def _reader(field: serializers.Field, *, where: str) -> Reader:
    """How one field's value is read from a row."""
    if isinstance(field, serializers.ListSerializer):
        if not isinstance(field.child, RowSerializer):
            raise TypeError(f"{where}: a nested list must be of a RowSerializer")
        child = field.child.row_renderer()
        key = _key(field, where)
        return lambda row: [child(item) for item in row[key]]
    if isinstance(field, serializers.Serializer):
        if not isinstance(field, RowSerializer):
            raise TypeError(f"{where}: a nested serializer must be a RowSerializer")
        child = field.row_renderer()
        if field.source == "*":
            return child
        key = _key(field, where)
        return lambda row: child(row[key])
    if isinstance(field, serializers.ListField):
        if not isinstance(field.child, _COPIED):
            raise TypeError(f"{where}: a list's items must be copied values (numbers, text)")
        return itemgetter(_key(field, where))
    if isinstance(field, _CONVERTED):
        key, convert = _key(field, where), field.to_representation
        return lambda row: convert(row[key])
    if isinstance(field, _COPIED):
        return itemgetter(_key(field, where))
    raise TypeError(f"{where}: {type(field).__name__} has no row rendering; add it to rows.py")


def _key(field: serializers.Field, where: str) -> str:
    if len(field.source_attrs) != 1:
        raise TypeError(f"{where}: source {field.source!r} must name one key of the row")
    return field.source
