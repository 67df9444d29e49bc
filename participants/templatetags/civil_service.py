from django import template

from participants.nip import nip_format

register = template.Library()


@register.filter
def nip(value):
    """19860926201505001 -> 19860926 201505 1 001"""
    return nip_format(value)
