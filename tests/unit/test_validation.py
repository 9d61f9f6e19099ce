"""Form validators: examples and properties (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pact.i18n import _
from pact.services import validation as v

PHONE_MESSAGE = (
    "Enter a Dutch phone number, like 06 12345678, 053 1234567, +31 6 12345678 or 14 053."
)
EMAIL_MESSAGE = "Enter an e-mail address like name@example.nl."
URL_MESSAGE = "Enter a web address like www.example.nl."


# ---------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(
    "number",
    [
        "06 12345678",
        "06-12345678",
        "0612345678",
        "+31 6 1234 5678",
        "+31612345678",
        "+31 (0)6 12345678",
        "0031612345678",
        "0031 6 12 34 56 78",
        "053-1234567",
        "053 123 45 67",
        "(053) 1234567",
        "074.123.4567",
        "020 123 4567",
        "+31 53 123 4567",
        "14 053",
        "140546",
        "14 0546",
        "0800-1234",
        "0800 1234567",
        "0900 1234567",
        "0900-1234",
        "0906 1234",
        "0909 1234567",
        "088 123 4567",
        "085 123 4567",
        "084 123 4567",
        "087 1234567",
        "+31 88 123 4567",
        "  06 12345678  ",
        "06\u00a012345678",  # a non-breaking space, as pasted from a web page
        "",
    ],
)
def test_valid_dutch_phone_numbers(number):
    assert v.phone(number) is None


@pytest.mark.parametrize(
    "number",
    [
        "12345",
        "06 1234567",  # one digit short
        "06 123456789",  # one too many
        "+32 470 12 34 56",  # Belgian
        "0032 470 123456",
        "+31 6 1234567",
        "0800-12",
        "0800-12345",
        "0900 123456",  # ten digits, but 0900 numbers have 8 or 11
        "0800 123456",
        "089 123 4567",  # no such prefix
        "091 234 5678",
        "+31 900 123456",
        "+31 14 053",  # municipal numbers cannot be dialled from abroad
        "14 53",
        "14 0",
        "1400000",
        "00 12345678",
        "0012345678",
        "six twelve",
        "06 1234567x",
        "+",
        "++31612345678",
        "０６１２３４５６７８",  # full-width digits
        "٠٦١٢٣٤٥٦٧٨",  # Arabic-Indic digits
    ],
)
def test_invalid_phone_numbers_get_the_message(number):
    assert v.phone(number) == _(PHONE_MESSAGE)


MOBILE_TAIL = st.text("0123456789", min_size=8, max_size=8)


def _formats(tail: str) -> list[str]:
    """A mobile number 06-<tail> the ways people write it."""
    return [
        "06" + tail,
        "06 " + tail,
        "06-" + tail,
        "06 " + " ".join(tail[i : i + 2] for i in range(0, 8, 2)),
        "+31 6 " + tail[:4] + " " + tail[4:],
        "+316" + tail,
        "+31 (0)6 " + tail,
        "0031 6 " + tail,
        "(06) " + tail,
    ]


@given(MOBILE_TAIL)
def test_property_every_mobile_number_passes_in_every_formatting(tail):
    for text in _formats(tail):
        assert v.phone(text) is None, text


@given(MOBILE_TAIL, st.integers(1, 7))
def test_property_a_mobile_number_missing_digits_fails(tail, cut):
    for text in _formats(tail[:-cut]):
        assert v.phone(text) == _(PHONE_MESSAGE), text


@given(st.sampled_from(["10", "13", "20", "38", "53", "74", "85", "88", "546"]), st.data())
def test_property_landlines_with_area_code_pass(area, data):
    rest = data.draw(st.text("0123456789", min_size=9 - len(area), max_size=9 - len(area)))
    assert v.phone("0" + area + "-" + rest) is None
    assert v.phone("+31 " + area + " " + rest) is None


@given(st.text())
def test_property_random_text_never_raises(text):
    for check in (v.phone, v.email, v.url, v.required):
        result = check(text)
        assert result is None or isinstance(result, str)
    assert isinstance(v.fold(text), str)
    assert v.max_length(text, 10) is None or len(text) > 10


@given(st.text(alphabet=st.characters(exclude_categories=("Nd",)), max_size=30))
def test_property_text_without_digits_is_never_a_phone_number(text):
    assert v.phone(text) in (None, _(PHONE_MESSAGE))
    if v.clean(text):  # a NUL alone is dropped like spaces: nothing was typed
        assert v.phone(text) == _(PHONE_MESSAGE)


# ---------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    "address",
    [
        "name@example.nl",
        "Elia.Jansen@esch.nl",
        "info+pact@avedan-welzijn.nl",
        "x@sub.domain.example.com",
        "o'brien@example.ie",
        "  name@example.nl ",
        "",
    ],
)
def test_valid_email(address):
    assert v.email(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "name",
        "name@",
        "@example.nl",
        "name@example",
        "name@@example.nl",
        "na me@example.nl",
        "name@exa mple.nl",
        "name@example..nl",
        "name..x@example.nl",
        "name@-example.nl",
        "name@example.nl.",
        "naam@voorbeeld.nl\nBcc: x@y.nl",
        "a" * 250 + "@example.nl",
    ],
)
def test_invalid_email(address):
    assert v.email(address) == _(EMAIL_MESSAGE)


@given(
    st.from_regex(r"[a-z0-9]([a-z0-9._+-]{0,20}[a-z0-9])?", fullmatch=True).filter(
        lambda s: ".." not in s
    ),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
    st.sampled_from(["nl", "com", "org", "eu"]),
)
def test_property_well_formed_addresses_pass(local, domain, tld):
    assert v.email(f"{local}@{domain}.{tld}") is None


@given(st.text(max_size=40).filter(lambda s: "@" not in s))
def test_property_text_without_at_sign_is_no_email(text):
    if v.clean(text):  # a NUL alone is dropped like spaces: nothing was typed
        assert v.email(text) == _(EMAIL_MESSAGE)


# ---------------------------------------------------------------- web addresses


@pytest.mark.parametrize(
    "address",
    [
        "www.example.nl",
        "example.nl",
        "https://www.example.nl",
        "http://example.nl/pad/naar?x=1&y=2#boven",
        "https://sub.domain.example.com:8443/x",
        "",
    ],
)
def test_valid_url(address):
    assert v.url(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "example",
        "ftp://example.nl",
        "javascript:alert(1)",
        "mailto:info@example.nl",
        "http://",
        "www.exa mple.nl",
        "www.example.nl\n/pad",
        "http://[::1",
        "https://-example.nl",
        "user:secret@example.nl",
        "www.example.nl:poort",
    ],
)
def test_invalid_url(address):
    assert v.url(address) == _(URL_MESSAGE)


# ---------------------------------------------------------------- helpers


def test_required_and_max_length():
    assert v.required("  ") == _("This field is required.")
    assert v.required(" x ") is None
    assert v.max_length("abc", 3) is None
    assert v.max_length("abcd", 3) == _("Use at most {n} characters.").format(n=3)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Zoë  Ëlberts", "zoe elberts"),
        ("ÉCOLE", "ecole"),
        ("  a\tb\n", "a b"),
        ("Straße", "strasse"),
    ],
)
def test_fold_ignores_case_accents_and_spacing(text, folded):
    assert v.fold(text) == folded


@given(st.text())
def test_property_fold_is_idempotent(text):
    assert v.fold(v.fold(text)) == v.fold(text)


def test_messages_are_translated_through_the_catalogue():
    # tests run with Dutch active: the message is whatever the catalogue says for it
    assert v.phone("1") == _(PHONE_MESSAGE)
    assert v.email("x") == _(EMAIL_MESSAGE)
