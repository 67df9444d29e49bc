"""The page where each user chooses how they are told of each kind of notification."""

from django import forms

from .models import NotificationKind, NotificationPreference
from .notifications import ERROR_CHANNEL, channels_offered


class NotificationPreferencesForm(forms.Form):
    """One choice per kind: e-mail, the daily digest (offered to widyaiswara and mentors
    only), or nothing."""

    def __init__(self, *args, user, initial_channels, **kwargs):
        super().__init__(*args, **kwargs)
        offered = channels_offered(user)
        labels = dict(NotificationPreference.Channel.choices)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=[(channel, labels[channel]) for channel in offered],
                initial=initial_channels.get(kind),
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": ERROR_CHANNEL},
            )

    def channels(self):
        return dict(self.cleaned_data)
