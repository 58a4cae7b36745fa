from apps.sharing.admin import SharedResourceAdmin


class CaseAdmin(SharedResourceAdmin):
    list_display = ["title", "place", "year", *SharedResourceAdmin.list_display[1:]]
    list_filter = [*SharedResourceAdmin.list_filter, "year", "domains"]
    search_fields = ["title", "background", "industry"]
    filter_horizontal = ["domains"]
    fields = [
        "title",
        "owner",
        "background",
        "key_issues",
        "teaching_notes",
        "discussion_questions",
        "domains",
        "industry",
        "place",
        "year",
        "contributing_department",
        "external_ref",
        *SharedResourceAdmin.readonly_fields,
    ]
