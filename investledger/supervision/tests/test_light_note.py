"""The note a light's change leaves in the history is written in the language of whoever caused it,
like every other note there."""

import pytest
from django.utils import translation

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.supervision import services
from investledger.supervision.models import LightAssessment
from investledger.supervision.tests.helpers import signed_project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language,note", [("en", "Red (rule set v1)"), ("zh-hans", "红灯（规则第 1 版）")])
def test_the_light_note_names_the_light_in_the_readers_language(reference_data, language, note):
    project = signed_project(reference_data)  # signed in 2024: milestones and reports long overdue today
    with translation.override(language), audit_context(source="test"):
        assessment = services.light_assess(project=project)
    assert assessment.light == "red"
    notes = AuditEntry.objects.filter(object_id=str(project.pk), content_type__model="project").order_by("-id")
    assert notes.first().message == note
    entry = AuditEntry.objects.filter(content_type__model=LightAssessment._meta.model_name).order_by("-id").first()
    assert entry.message == note
