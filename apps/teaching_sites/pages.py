"""What a site's section of its detail page shows beyond its fields."""


def detail_context(obj, *, user, actor) -> dict:
    """The site's lifecycle history, newest first."""
    return {"events": obj.events.select_related("user")}
