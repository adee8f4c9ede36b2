from django import forms


class PublishForm(forms.Form):
    """The draft banner's Publish dialog."""

    name = forms.CharField(
        label="Version name",
        max_length=120,
        required=False,
        help_text="For example “Added booking tool”.",
    )
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # The draft revision the banner was rendered for (refreshed with the banner after
    # every save): publishing refuses if the draft moved on since.
    base_revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
