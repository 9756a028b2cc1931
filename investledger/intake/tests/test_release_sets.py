"""Many press releases at once: several files or a .zip, read in the background, each its own review."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from investledger.intake.kinds import release_sets
from investledger.intake.models import ImportBatch, PressRelease, ReleaseSet
from investledger.intake.tests.test_release_review import CHINESE, ENGLISH

pytestmark = pytest.mark.django_db

OTHER = """South District signs food project

Delta Foods Co., Ltd. will invest RMB 2 billion in a food processing base in South District."""


def zipped(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def upload(client, *files, **extra):
    return client.post(reverse("intake:release_new"), {"file": list(files)}, **extra)


def test_several_files_become_one_review_each_and_the_page_lists_them(client, personas, reference_data):
    client.force_login(personas.officer_north)
    response = upload(
        client,
        SimpleUploadedFile("english.txt", ENGLISH.encode()),
        SimpleUploadedFile("chinese.html", f"<html><body><p>{CHINESE}</p></body></html>".encode()),
        SimpleUploadedFile("notes.xlsx", b"PK not a release"),
    )
    release_set = ReleaseSet.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:release_set", args=[release_set.pk])
    assert (release_set.status, release_set.done, release_set.total) == ("read", 3, 3)
    batches = ImportBatch.objects.filter(kind="releases").order_by("pk")
    assert [b.file_name for b in batches] == ["english.txt", "chinese.html"]
    assert all(b.status == ImportBatch.Status.REVIEWING and b.area == reference_data.north for b in batches)
    page = client.get(response["Location"]).content.decode()
    assert "3 documents read." in page
    for batch in batches:
        assert reverse("intake:release_review", args=[batch.pk]) in page
    assert "Not a release (text, HTML, PDF or DOCX): not read." in page
    assert "hx-trigger" not in page  # nothing left to poll for
    assert not (release_sets._folder(release_set.pk)).exists()  # the staged copies are gone


def test_a_zip_of_releases_is_read_and_a_release_read_before_is_recognised(client, personas):
    client.force_login(personas.officer_north)
    upload(client, SimpleUploadedFile("first.txt", ENGLISH.encode()))
    archive = zipped({"news/english.txt": ENGLISH.encode(), "news/chinese.txt": CHINESE.encode(), "news/": b""})
    upload(client, SimpleUploadedFile("news.zip", archive))
    release_set = ReleaseSet.objects.get()
    names = [item["name"] for item in release_set.items]
    assert names == ["news/english.txt", "news/chinese.txt"]
    english, chinese = release_set.items
    assert english["batch"] is None and "already read" in english["message"]
    assert chinese["deals"] == 2
    assert PressRelease.objects.count() == 2


@pytest.mark.parametrize(
    ("entries", "said"),
    [
        ({"../../etc/cron.d/evil.txt": ENGLISH.encode()}, "names a file outside its own folders"),
        ({"/abs/evil.txt": ENGLISH.encode()}, "names a file outside its own folders"),
        ({"bomb.txt": b"0" * (20 << 20)}, "inflates to far more than its size"),
        ({f"{n}.txt": b"x" for n in range(release_sets.MAX_DOCUMENTS + 1)}, "At most 500 releases"),
        ({"readme.md": b"hello"}, "There is no release"),
    ],
)
def test_a_hostile_or_useless_zip_is_refused_with_a_clear_message_and_nothing_is_kept(client, personas, entries, said):
    client.force_login(personas.officer_north)
    response = upload(client, SimpleUploadedFile("news.zip", zipped(entries)))
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not ReleaseSet.objects.exists() and not ImportBatch.objects.exists()


def test_a_file_that_is_not_a_zip_is_refused(client, personas):
    client.force_login(personas.officer_north)
    response = upload(client, SimpleUploadedFile("news.zip", b"not a zip at all"))
    assert response.status_code == 400
    assert "is not a .zip file that can be opened" in response.content.decode()


def test_an_entry_larger_than_its_directory_says_is_refused(client, personas):
    real = len(ENGLISH.encode()).to_bytes(4, "little")
    archive = zipped({"a.txt": ENGLISH.encode()}, zipfile.ZIP_STORED).replace(
        real + real, (10).to_bytes(4, "little") * 2
    )
    client.force_login(personas.officer_north)
    response = upload(client, SimpleUploadedFile("news.zip", archive))
    assert response.status_code == 400
    assert "“a.txt” in the .zip file could not be read" in response.content.decode()
    assert not ReleaseSet.objects.exists()


@pytest.mark.parametrize(
    ("language", "reading", "done"),
    [
        ("en", "Reading releases… 0 of 2", "2 documents read."),
        ("zh-hans", "正在读取新闻稿… 第 0 篇，共 2 篇", "已读取 2 篇文档。"),
    ],
)
def test_the_page_shows_the_progress_while_the_worker_reads_then_the_releases(
    settings, personas, language, reading, done
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(personas.officer_north)
    upload(client, SimpleUploadedFile("a.txt", ENGLISH.encode()), SimpleUploadedFile("b.txt", CHINESE.encode()))
    release_set = ReleaseSet.objects.get()
    url = reverse("intake:release_set", args=[release_set.pk])
    page = client.get(url).content.decode()
    assert reading in page and f'hx-get="{url}"' in page
    release_sets.release_set_read(release_set)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert done in fragment and "hx-trigger" not in fragment and "<html" not in fragment
    for batch in ImportBatch.objects.all():
        assert reverse("intake:release_review", args=[batch.pk]) in fragment


def test_another_district_cannot_see_the_set(client, personas):
    client.force_login(personas.officer_north)
    upload(client, SimpleUploadedFile("a.txt", ENGLISH.encode()), SimpleUploadedFile("b.txt", OTHER.encode()))
    release_set = ReleaseSet.objects.get()
    client.force_login(personas.officer_south)
    url = reverse("intake:release_set", args=[release_set.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    client.force_login(personas.stranger)
    assert client.get(url).status_code in (403, 404)


def test_the_command_queues_a_folders_releases_for_a_users_review(tmp_path, personas, reference_data):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "english.txt").write_text(ENGLISH)
    (folder / "chinese.txt").write_text(CHINESE)
    (folder / "again.txt").write_text(ENGLISH)
    (folder / "notes.md").write_text("not a release")
    out = io.StringIO()
    call_command("read_releases", str(folder), "--user", "officer_north", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "2 of 3 releases are waiting for the review."
    assert any("again.txt: import #" in line for line in lines)  # the first of the two copies, by name
    assert any("english.txt: not read: This release was already read" in line for line in lines)
    assert set(ImportBatch.objects.values_list("area", flat=True)) == {reference_data.north.pk}
    with pytest.raises(CommandError):
        call_command("read_releases", str(folder / "missing"), "--user", "officer_north")


def test_a_set_whose_reading_stopped_says_so_and_its_rest_is_read_again(settings, client, personas):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(personas.officer_north)
    upload(client, SimpleUploadedFile("a.txt", ENGLISH.encode()), SimpleUploadedFile("b.txt", CHINESE.encode()))
    release_set = ReleaseSet.objects.get()
    url = reverse("intake:release_set", args=[release_set.pk])
    resume = reverse("intake:release_set_resume", args=[release_set.pk])
    assert "The reading stopped" not in client.get(url).content.decode()
    client.post(resume)
    assert ReleaseSet.objects.get().status == "reading"  # not stalled: nothing queued again
    ReleaseSet.objects.update(updated=timezone.now() - datetime.timedelta(hours=1))
    assert "The reading stopped" in client.get(url).content.decode()
    client.force_login(personas.officer_south)
    assert client.post(resume).status_code == 404
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(personas.officer_north)
    client.post(resume)
    release_set = ReleaseSet.objects.get()
    assert (release_set.status, release_set.done) == ("read", 2)
    assert f'href="{url}"' in client.get(reverse("intake:release_new")).content.decode()


def test_two_hundred_files_chosen_at_once_are_taken(client, personas):
    client.force_login(personas.officer_north)
    files = [SimpleUploadedFile(f"{n}.txt", f"Note {n}: nothing was signed today.".encode()) for n in range(200)]
    response = upload(client, *files)
    assert response.status_code == 302
    release_set = ReleaseSet.objects.get()
    assert (release_set.total, release_set.done, release_set.status) == (200, 200, "read")
