"""Quality control (质量控制): subgroups left out of an spc requirement's control limits, with the reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Exclusion(models.Model):
    """A subgroup with an assignable cause, left out of its characteristic's limits and judgement.

    Written into the requirement's check ``exclude`` (as ``characteristic|subgroup``) whenever the catalogue is
    written as a pack for evaluation, so charts and the next evaluation recompute the limits without it.
    """

    requirement_code = models.CharField(_("requirement"), max_length=64, db_index=True)
    characteristic = models.CharField(_("characteristic"), max_length=300, blank=True)
    subgroup = models.CharField(_("subgroup"), max_length=200)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ("requirement_code", "characteristic", "subgroup")
        constraints = [
            models.UniqueConstraint(
                fields=["requirement_code", "characteristic", "subgroup"], name="quality_exclusion_unique"
            )
        ]
        verbose_name = _("excluded subgroup")
        verbose_name_plural = _("excluded subgroups")

    def __str__(self) -> str:
        return f"{self.requirement_code} {self.exclude_key}"

    @property
    def exclude_key(self) -> str:
        """The name the check's ``exclude`` takes: ``characteristic|subgroup`` (the subgroup alone without
        characteristic columns)."""
        return f"{self.characteristic}|{self.subgroup}" if self.characteristic else self.subgroup
