"""A task waiting for the broker: written in the transaction that asked for it."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class PendingTask(models.Model):
    """One task message not yet accepted by the broker; deleted once it is."""

    id = models.BigAutoField(primary_key=True)
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    # Failed relays so far and the last broker error: what an operator reads when the
    # table does not empty itself.
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
