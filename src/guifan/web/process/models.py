"""Process definitions (流程定义): a process's ordered steps, who is responsible for each, how long each step and
the whole case may take, and the standard operating procedure (SOP).

The activity names are the event log's own, so a definition, the ``sequence`` checks of its standard and the
discovered process (the discovery pages) all speak the same words.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from guifan.engine.values import Duration


class Clock(models.TextChoices):
    WALL = "wall", _("Wall-clock time")
    BUSINESS = "business", _("Business time")


class StepType(models.TextChoices):
    START = "start", _("Start")
    EXECUTE = "execute", _("Execute")
    SUPERVISE = "supervise", _("Supervise")
    END = "end", _("End")


def _english() -> bool:
    """Whether the page is in English (``en``, ``en-gb``…); every other language reads the Chinese names."""
    return (get_language() or "").startswith("en")


def duration_label(text: str) -> str:
    """A duration limit as people read it: 3d → 3 days (working days with business time)."""
    if not text:
        return ""
    try:
        value = Duration.parse(text)
    except ValueError:
        return text
    amount = f"{value.amount:g}"
    units = {"s": _("s"), "m": _("min"), "min": _("min"), "h": _("h"), "d": _("d"), "w": _("w")}
    return f"{amount} {units.get(value.unit, value.unit)}"


class Process(models.Model):
    """A process definition, optionally belonging to a standard, owned by an org unit (which scopes it)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name (中文)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    standard = models.ForeignKey(
        "standards.Standard", verbose_name=_("standard"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="processes",
    )  # fmt: skip
    owner_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dataset = models.CharField(_("event log"), max_length=120, blank=True, help_text=_("the dataset the cases run in"))
    limit = models.CharField(_("case duration limit"), max_length=16, blank=True, help_text="30d, 48h, 2w")
    clock = models.CharField(_("measured in"), max_length=16, choices=Clock.choices, default=Clock.WALL)
    calendar = models.CharField(_("work calendar"), max_length=64, blank=True)
    sop = models.TextField(_("SOP (中文, Markdown)"), blank=True)
    sop_en = models.TextField(_("SOP (English, Markdown)"), blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("process")

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.name_en if _english() and self.name_en else self.name

    @property
    def display_sop(self) -> str:
        return self.sop_en if _english() and self.sop_en else self.sop

    @property
    def limit_label(self) -> str:
        return duration_label(self.limit)


class Step(models.Model):
    """One activity of a process, in order."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(_("order"), default=0)
    activity = models.CharField(_("activity"), max_length=200, help_text=_("exactly as the event log writes it"))
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=StepType.choices, default=StepType.EXECUTE)
    responsible = models.ForeignKey(
        "org.Position", verbose_name=_("responsible position"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="process_steps",
    )  # fmt: skip
    limit = models.CharField(
        _("duration limit"), max_length=16, blank=True, help_text=_("from the previous step, e.g. 4h, 3d")
    )
    optional = models.BooleanField(
        _("optional"), default=False, help_text=_("not every case has this step (e.g. a compensation payment)")
    )
    sop = models.TextField(_("SOP (中文, Markdown)"), blank=True)
    sop_en = models.TextField(_("SOP (English, Markdown)"), blank=True)

    class Meta:
        ordering = ("process", "order", "id")
        verbose_name = _("process step")
        constraints = [models.UniqueConstraint(fields=("process", "activity"), name="process_step_activity_unique")]

    def __str__(self) -> str:
        return f"{self.process.code} · {self.activity}"

    @property
    def display_name(self) -> str:
        """The step in the reader's language: in English its English name, else (and in Chinese) the activity."""
        return self.name_en if _english() and self.name_en else self.activity

    @property
    def display_sop(self) -> str:
        return self.sop_en if _english() and self.sop_en else self.sop

    @property
    def limit_label(self) -> str:
        return duration_label(self.limit)


class StepRaci(models.Model):
    """One RACI letter for a process step, held by a person or a position (like a standard's RACI)."""

    class Letter(models.TextChoices):
        RESPONSIBLE = "R", _("Responsible")
        ACCOUNTABLE = "A", _("Accountable")
        CONSULTED = "C", _("Consulted")
        INFORMED = "I", _("Informed")

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="raci")
    letter = models.CharField(_("RACI"), max_length=1, choices=Letter.choices)
    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    position = models.ForeignKey("org.Position", null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ("step", "letter", "id")
        verbose_name = _("step RACI assignment")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(position__isnull=False),
                name="step_raci_has_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.letter} {self.holder}"

    @property
    def holder(self) -> str:
        return str(self.person or self.position)
