"""`{% lot_expiry lot %}`: a lot's expiry date with an "Expired" or "Expires in N days"
badge, judged on the page's `today` (the practice's date)."""

from django import template

from lots.services import expiry_warning_days, is_expiring_soon

register = template.Library()


@register.inclusion_tag("lots/_lot_expiry.html", takes_context=True)
def lot_expiry(context, lot) -> dict:
    today = context["today"]
    return {
        "lot": lot,
        "is_expired": lot.expires_on < today,
        "expires_soon": is_expiring_soon(lot, today),
        "days_left": (lot.expires_on - today).days,
        "warning_days": expiry_warning_days(),
    }
