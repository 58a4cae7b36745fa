"""What a lecturer's section of its detail page shows beyond its fields."""

from .privacy import may_read_contact


def detail_context(obj, *, user, actor) -> dict:
    """The courses they teach (only those the reader may see) and, for those allowed by
    ``faculty.privacy``, their personal contact data.

    The seats belong to the course library, which links to lecturers; they are reached
    through the relation, so this library never imports the one above it.
    """
    course_model = obj.group_seats.model._meta.get_field("course").related_model
    return {
        "teaches": obj.group_seats.filter(
            course__in=course_model.objects.restrict(user, "view")
        ).select_related("course"),
        "contact": getattr(obj, "contact", None) if may_read_contact(actor, obj) else None,
    }
