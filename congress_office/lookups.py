"""The core's lookup kinds (units, townships) and helpers the apps' kinds share."""

from .registries import LookupKind, lookup_kinds


def with_township(obj, user):
    """An option's text: the row's name, and for a county-wide user its township's (the same
    name recurs across townships). The kind's queryset selects the township."""
    if user.is_county_wide and getattr(obj, "township_id", None):
        return f"{obj}（{obj.township.name}）"
    return str(obj)


def units(user):
    from .models import Unit

    return Unit.objects.visible_to(user).select_related("township")


def townships(user):
    from .models import Township

    return Township.objects.visible_to(user)


def register():
    lookup_kinds.register(
        "unit",
        LookupKind(
            queryset=units,
            search_fields=("name",),
            ordering=("township__code", "name", "pk"),
            text=with_township,
        ),
    )
    lookup_kinds.register(
        "township",
        LookupKind(
            queryset=townships,
            search_fields=("name", "code"),
            ordering=("code", "pk"),
            allowed=lambda user: user.is_county_wide,
        ),
    )
