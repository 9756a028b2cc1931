"""A news feed (RSS or Atom) handed in as releases: each item read as a release of its own, safely."""

import io
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from investledger.intake.models import ImportBatch, PressRelease, ReleaseSet
from investledger.intake.tests.test_release_review import CHINESE, ENGLISH
from investledger.intake.tests.test_release_sets import OTHER, upload

pytestmark = pytest.mark.django_db


def _title_body(text: str) -> tuple[str, str]:
    title, _, body = text.partition("\n\n")
    return title, body


def rss(*texts: str) -> bytes:
    items = []
    for n, text in enumerate(texts, start=1):
        title, body = _title_body(text)
        html = "".join(f"<p>{escape(line)}</p>" for line in body.splitlines())
        items.append(
            f"<item><title>{escape(title)}</title><link>https://news.example.cn/{n}.html</link>"
            f"<pubDate>Tue, 12 May 2026 08:00:00 +0800</pubDate>"
            f"<description>{escape(html)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>City news</title>'
        f"<link>https://news.example.cn/</link>{''.join(items)}</channel></rss>"
    ).encode()


def atom(*texts: str) -> bytes:
    entries = []
    for n, text in enumerate(texts, start=1):
        title, body = _title_body(text)
        paragraphs = "".join(f"<p>{escape(line)}</p>" for line in body.splitlines())
        entries.append(
            f"<entry><title>{escape(title)}</title><id>urn:n:{n}</id>"
            f'<link rel="alternate" href="https://news.example.cn/a/{n}"/>'
            f"<published>2026-05-{10 + n}T09:00:00Z</published>"
            f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{paragraphs}</div></content></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>'
        f"<id>urn:news</id><updated>2026-05-12T09:00:00Z</updated>{''.join(entries)}</feed>"
    ).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><item><title>&lol3;</title><description>x</description></item></channel></rss>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><item><title>&secret;</title><description>x</description></item></channel></rss>"""


def test_an_rss_feed_gives_one_review_per_item_with_its_link_and_date(client, personas, reference_data):
    client.force_login(personas.officer_north)
    response = upload(client, SimpleUploadedFile("news.xml", rss(ENGLISH, CHINESE)))
    release_set = ReleaseSet.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:release_set", args=[release_set.pk])
    assert (release_set.status, release_set.done, release_set.total) == ("read", 2, 2)
    english, chinese = release_set.items
    assert english["name"] == "North District welcomes new investors"
    assert (english["source"], english["date"]) == ("https://news.example.cn/1.html", "2026-05-12")
    assert (english["deals"], chinese["deals"]) == (2, 2)
    batches = ImportBatch.objects.filter(kind="releases").order_by("pk")
    assert [b.pk for b in batches] == [english["batch"], chinese["batch"]]
    assert all(b.area == reference_data.north for b in batches)
    text = PressRelease.objects.get(batch_id=english["batch"]).text
    assert text.startswith("North District welcomes new investors\n\nA total of 2 projects")
    assert "<p>" not in text and "&lt;" not in text  # the markup of the description stripped
    page = client.get(response["Location"]).content.decode()
    assert "https://news.example.cn/1.html" in page and "2 documents read." in page


def test_an_atom_feed_gives_one_review_per_entry_and_items_read_before_are_recognised(client, personas):
    client.force_login(personas.officer_north)
    upload(client, SimpleUploadedFile("news.atom", atom(ENGLISH, CHINESE)))
    first = ReleaseSet.objects.get()
    assert [(i["deals"], i["source"], i["date"]) for i in first.items] == [
        (2, "https://news.example.cn/a/1", "2026-05-11"),
        (2, "https://news.example.cn/a/2", "2026-05-12"),
    ]
    upload(client, SimpleUploadedFile("news-later.xml", atom(ENGLISH, CHINESE, OTHER)))
    later = ReleaseSet.objects.latest("pk")
    assert [i["batch"] is None for i in later.items] == [True, True, False]
    assert "already read" in later.items[0]["message"]
    assert PressRelease.objects.count() == 3


@pytest.mark.parametrize(
    ("language", "feed", "said"),
    [
        ("en", BILLION_LAUGHS, "declares a DOCTYPE or entities"),
        ("en", EXTERNAL, "declares a DOCTYPE or entities"),
        ("zh-hans", BILLION_LAUGHS, "声明了 DOCTYPE 或实体"),
        ("en", b"<html><body>not a feed</body></html>", "is not an RSS or Atom news feed"),
        ("zh-hans", b"<rss><channel><item>", "不是 RSS 或 Atom 新闻源"),
        ("en", b'<rss version="2.0"><channel><title>t</title></channel></rss>', "has no items"),
    ],
)
def test_a_hostile_or_malformed_feed_is_refused_and_nothing_is_kept(personas, language, feed, said):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(personas.officer_north)
    response = upload(client, SimpleUploadedFile("news.xml", feed))
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not ReleaseSet.objects.exists() and not ImportBatch.objects.exists()


def test_a_feed_with_more_items_than_a_set_takes_is_refused(client, personas, settings):
    from investledger.intake.kinds import release_sets

    client.force_login(personas.officer_north)
    feed = rss(*[f"Note {n}\n\nNothing was signed." for n in range(release_sets.MAX_DOCUMENTS + 1)])
    response = upload(client, SimpleUploadedFile("news.xml", feed))
    assert response.status_code == 400 and "At most 500 releases" in response.content.decode()
    assert not ReleaseSet.objects.exists()


def test_another_district_cannot_see_a_feeds_set_nor_its_reviews(client, personas):
    client.force_login(personas.officer_north)
    upload(client, SimpleUploadedFile("news.rss", rss(ENGLISH)))
    release_set = ReleaseSet.objects.get()
    client.force_login(personas.officer_south)
    assert client.get(reverse("intake:release_set", args=[release_set.pk])).status_code == 404
    review = reverse("intake:release_review", args=[release_set.items[0]["batch"]])
    assert client.get(review).status_code == 404


def test_the_command_reads_each_item_of_a_feed_and_refuses_a_hostile_one(tmp_path, personas):
    (tmp_path / "news.xml").write_bytes(rss(ENGLISH, CHINESE))
    (tmp_path / "bad.xml").write_bytes(BILLION_LAUGHS)
    out = io.StringIO()
    call_command(
        "read_releases", str(tmp_path / "news.xml"), str(tmp_path / "bad.xml"), "--user", "officer_north", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[-1] == "2 of 2 releases are waiting for the review."
    assert any("news.xml #1 https://news.example.cn/1.html: import #" in line for line in lines)
    assert any("bad.xml: not read:" in line and "DOCTYPE" in line for line in lines)
    assert ImportBatch.objects.count() == 2


def test_a_feed_larger_than_the_upload_limit_is_refused(client, personas, settings):
    settings.INTAKE_MAX_FILE_BYTES = 1000
    client.force_login(personas.officer_north)
    response = upload(client, SimpleUploadedFile("news.xml", rss(ENGLISH, CHINESE)))
    assert response.status_code == 400 and "“news.xml” is larger than" in response.content.decode()
    assert not ReleaseSet.objects.exists() and not ImportBatch.objects.exists()
