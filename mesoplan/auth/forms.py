"""The small forms after the password: a code of the second factor, a new token's name."""

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        help_text="The 6-digit number your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=100,
        help_text="E.g. “Front desk calendar” or “Patient app”: shown in the list, so you know which to revoke.",
    )
