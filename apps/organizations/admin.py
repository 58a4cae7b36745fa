from django.contrib import admin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_select_related = ["parent"]  # nullable: Django would not join it by itself
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]
    ordering = ["path"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a node would have to rewrite its subtree's paths; the network
        # map changes rarely enough that this is a fixture change, not a click.
        if obj is not None:
            return [*self.readonly_fields, "parent", "code"]
        return self.readonly_fields
