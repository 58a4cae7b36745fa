"""Review intervals in the admin (待复核): how many months a reviewable library's items stay
current after publication or a confirmed re-review. Curators read them; the municipal
school's admins set them (one row per library; without a row the default of
``ReviewInterval.DEFAULT_MONTHS`` holds)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.accounts.actor import actor_for
from apps.accounts.admin import is_municipal_admin
from apps.sharing.models import ReviewInterval
from apps.sharing.registry import libraries


def _library_choices():
    return [(library.key, library.label) for library in libraries() if library.review]


class ReviewIntervalForm(forms.ModelForm):
    library = forms.ChoiceField(label=_("library"), choices=_library_choices)

    class Meta:
        model = ReviewInterval
        fields = ["library", "months"]


@admin.register(ReviewInterval)
class ReviewIntervalAdmin(admin.ModelAdmin):
    form = ReviewIntervalForm
    list_display = ["library", "months"]
    ordering = ["library"]

    def has_module_permission(self, request):
        return bool(actor_for(request.user).seats) or is_municipal_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return is_municipal_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_municipal_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_municipal_admin(request.user)
