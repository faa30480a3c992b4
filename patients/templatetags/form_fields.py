"""Template access to a form's dynamically named fields."""

from django import template

register = template.Library()


@register.filter
def get_field(form, name):
    return form[name]
