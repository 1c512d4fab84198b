"""The notes policy of seed 003: its example notes, missing parts, and text a note must not contain (no database)."""

import pytest

from resolvers.rules.note_policy import (
    FINDING_DESCRIPTIONS,
    MIN_RESOLUTION_WORDS,
    FindingCode,
    NoteDraft,
    check_note,
)

BAD_NOTE = 'Customer called in cuz they want to cancel. They said "Couldn’t deal with this crap"'

GOOD_STRUCTURED = NoteDraft(
    contact_name="Alexander Erickson",
    relationship="Account Holder’s Son",
    is_account_holder=False,
    reason="CT asking for refund since he cancelled his father's account 2 months ago, but is still being charged. "
           "Wanted to change email as well.",
    resolution="Verified previous agent Max failed to cancel on June 3rd despite indicating he had canceled the "
               "account on the notes. Informed the customer the reason for the charges, and apologized for the "
               "inconvenience. Changed email from alexmart@covesmart.com to alex.cmart@covesmart.com. Canceled "
               "account and sent confirmation email to the new email. Submitted refund request for $49.98. Approved "
               "by TL Anna. Informed CT that he should get the refund within 7-10 business days depending on his "
               "bank. CT understood.",
    additional_info="N/A",
    follow_up="N/A",
)

GOOD_FREE_FORM = """\
Alexander Erickson (account holder’s son) called in about unexpected charge after he had canceled his \
father’s account 2 months ago. CT requested refund for charge, and email change.
- Verified previous agent Max failed to cancel on June 3rd
- Informed customer and apologized for inconvenience
- Updated email from alexmart@covesmart.com to alex.cmart@covesmart.com
- Cancelled the account
- Sent cancellation email to new email
- Process refund for $49.98 to CC ending in 2320 approved by TL Anna
- Advised timeline of 7-10 business days depending on his bank"""

COMPLETE = {"contact_name": "Jane Doe", "reason": "Asked about her bill.", "resolution": "Explained the charges."}


def note(**changes) -> NoteDraft:
    """A complete structured note with `changes`."""
    return NoteDraft(**{**COMPLETE, **changes})


def codes(findings):
    return [f.code for f in findings]


def located(findings, code):
    return [(f.field, f.start, f.end) for f in findings if f.code == code]


class TestSeedExamples:
    def test_bad_note_as_a_free_form_body_gets_a_finding_for_each_problem(self):
        found = check_note(NoteDraft(body=BAD_NOTE))
        assert codes(found) == [FindingCode.MISSING_CONTACT_NAME, FindingCode.MISSING_RESOLUTION, FindingCode.SLANG,
                                FindingCode.DIRECT_QUOTE, FindingCode.PROFANITY]
        assert located(found, FindingCode.SLANG) == [("body", 19, 22)]
        assert located(found, FindingCode.DIRECT_QUOTE) == [("body", 54, 84)]
        assert located(found, FindingCode.PROFANITY) == [("body", 79, 83)]

    def test_bad_note_as_a_structured_reason_gets_the_same_findings_on_its_fields(self):
        found = check_note(NoteDraft(reason=BAD_NOTE))
        assert [(f.code, f.field, f.start) for f in found] == [
            (FindingCode.MISSING_CONTACT_NAME, "contactName", None),
            (FindingCode.MISSING_RESOLUTION, "resolution", None),
            (FindingCode.SLANG, "reason", 19),
            (FindingCode.DIRECT_QUOTE, "reason", 54),
            (FindingCode.PROFANITY, "reason", 79),
        ]
        assert BAD_NOTE[19:22] == "cuz"
        assert BAD_NOTE[79:83] == "crap"

    def test_good_structured_note_has_no_findings(self):
        assert check_note(GOOD_STRUCTURED) == []

    def test_good_free_form_note_has_no_findings(self):
        assert check_note(NoteDraft(body=GOOD_FREE_FORM)) == []


class TestMissingParts:
    @pytest.mark.parametrize("missing, code, field", [
        ("contact_name", FindingCode.MISSING_CONTACT_NAME, "contactName"),
        ("reason", FindingCode.MISSING_REASON, "reason"),
        ("resolution", FindingCode.MISSING_RESOLUTION, "resolution"),
    ])
    @pytest.mark.parametrize("blank", [None, "", "   ", "N/A", "none"])
    def test_each_required_part_blank_or_a_placeholder_is_missing(self, missing, code, field, blank):
        found = check_note(note(**{missing: blank}))
        assert [(f.code, f.field, f.start, f.end) for f in found] == [(code, field, None, None)]

    def test_relationship_is_required_when_the_contact_is_not_the_account_holder(self):
        found = check_note(note(is_account_holder=False))
        assert [(f.code, f.field) for f in found] == [(FindingCode.MISSING_RELATIONSHIP, "relationship")]

    @pytest.mark.parametrize("is_account_holder, relationship", [(True, None), (None, None), (False, "Wife")])
    def test_relationship_is_not_required_otherwise(self, is_account_holder, relationship):
        draft = note(is_account_holder=is_account_holder, relationship=relationship)
        assert check_note(draft) == []

    def test_an_empty_draft_misses_every_required_part(self):
        assert codes(check_note(NoteDraft())) == [FindingCode.MISSING_CONTACT_NAME, FindingCode.MISSING_REASON,
                                                 FindingCode.MISSING_RESOLUTION]

    def test_a_body_next_to_structured_fields_does_not_stand_in_for_them(self):
        found = check_note(NoteDraft(contact_name="Jane Doe", body=GOOD_FREE_FORM))
        assert codes(found) == [FindingCode.MISSING_REASON, FindingCode.MISSING_RESOLUTION]


class TestFreeFormNotes:
    LONG_ENOUGH = " ".join(["word"] * MIN_RESOLUTION_WORDS)

    @pytest.mark.parametrize("body", ["Mary O'Brien called about her bill.", "Spoke with John A. Smith today.",
                                      "Called Carla McDonald back."])
    def test_a_name_like_pair_of_words_names_the_contact(self, body):
        found = check_note(NoteDraft(body=f"{body} {self.LONG_ENOUGH}"))
        assert FindingCode.MISSING_CONTACT_NAME not in codes(found)

    @pytest.mark.parametrize("body", ["Customer called about the bill.", "CT called, TL Anna approved.",
                                      "Spoke with the customer. Explained the bill."])
    def test_without_a_name_like_pair_the_contact_is_missing(self, body):
        found = check_note(NoteDraft(body=f"{body} {self.LONG_ENOUGH}"))
        assert [(f.code, f.field) for f in found] == [(FindingCode.MISSING_CONTACT_NAME, "body")]

    def test_a_very_short_body_misses_reason_and_resolution(self):
        found = check_note(NoteDraft(body="Jane Doe called."))
        assert [(f.code, f.field) for f in found] == [(FindingCode.MISSING_REASON, "body"),
                                                      (FindingCode.MISSING_RESOLUTION, "body")]

    def test_a_body_shorter_than_the_resolution_minimum_misses_the_resolution(self):
        found = check_note(NoteDraft(body="Jane Doe called because her bill doubled this month."))
        assert codes(found) == [FindingCode.MISSING_RESOLUTION]

    def test_relationship_is_never_asked_of_a_free_form_note(self):
        found = check_note(NoteDraft(body=GOOD_FREE_FORM, is_account_holder=False))
        assert found == []


class TestSlang:
    @pytest.mark.parametrize("word", ["cuz", "coz", "u", "ur", "gonna", "wanna", "pls", "plz", "thx", "lol", "ya",
                                      "yeah", "nope", "kinda", "gotta", "idk", "omg", "btw", "y'all", "y’all"])
    def test_each_slang_word_is_found_with_its_span(self, word):
        text = f"Told the customer {word} today."
        found = check_note(note(resolution=text))
        assert [(f.code, f.field, f.start, f.end, f.message) for f in found] == [
            (FindingCode.SLANG, "resolution", 18, 18 + len(word), f'Avoid slang: "{word}".')]

    def test_every_occurrence_is_a_finding_whatever_its_case(self):
        text = "Cuz of the bill, and CUZ of the fee, thx"
        found = check_note(note(reason=text))
        assert [text[f.start:f.end] for f in found] == ["Cuz", "CUZ", "thx"]

    @pytest.mark.parametrize("text", ["Your bill is due because of usage.", "Hello, the shell utility is fine.",
                                      "Moved within the U.S. last year.", "Lives in Apt U, Building R.",
                                      "He'll call back. Ur-Energy plan.", "Sent to ya@example.com", "Meter r/w done"])
    def test_words_that_only_contain_slang_are_fine(self, text):
        assert check_note(note(resolution=text)) == []

    def test_the_contact_name_is_not_searched_for_slang_or_profanity(self):
        assert check_note(note(contact_name="Ya Dick")) == []


class TestProfanity:
    @pytest.mark.parametrize("phrase", ["crap", "damn", "hell", "stupid", "idiot", "dumb", "moron", "sucks", "shut up",
                                        "idiots", "Shut  Up"])
    def test_each_profanity_is_found_with_its_span(self, phrase):
        text = f"Customer said it {phrase} and hung up."
        found = check_note(note(additional_info=text))
        assert [(f.code, f.field, f.start, f.end) for f in found] == [
            (FindingCode.PROFANITY, "additionalInfo", 17, 17 + len(phrase))]

    @pytest.mark.parametrize("text", ["Hello, Shelly from Dumbarton assessed the class.", "Mr. Crapo of Hellertown"])
    def test_words_that_only_contain_profanity_are_fine(self, text):
        assert check_note(note(follow_up=text)) == []


class TestDirectQuotes:
    @pytest.mark.parametrize("quote", ['"I want out now"', "“I want out now”", '"two words"'])
    def test_quoted_speech_of_two_words_or_more_is_found_with_its_span(self, quote):
        text = f"CT said {quote} twice."
        found = check_note(note(reason=text))
        assert [(f.code, f.field, f.start, f.end) for f in found] == [
            (FindingCode.DIRECT_QUOTE, "reason", 8, 8 + len(quote))]

    def test_every_quote_is_a_finding(self):
        text = 'CT said "not again" and then "never mind".'
        found = check_note(note(reason=text))
        assert [text[f.start:f.end] for f in found] == ['"not again"', '"never mind"']

    @pytest.mark.parametrize("text", ['Enrolled in "Paperless" billing.', "Customer's father's account, 'as is'.",
                                      'Just one " mark here.'])
    def test_one_word_single_quotes_and_lone_marks_are_not_quotes(self, text):
        assert check_note(note(reason=text)) == []


class TestCardNumbers:
    def test_a_card_number_is_found_in_any_field_including_the_contact_name(self):
        draft = note(contact_name="Jane Doe 4111111111111111", resolution="Paid with 5555-5555-5555-4444.")
        assert located(check_note(draft), FindingCode.CARD_NUMBER) == [("contactName", 9, 25), ("resolution", 10, 29)]

    def test_the_message_does_not_repeat_the_number(self):
        found = check_note(note(additional_info="CC 4111 1111 1111 1111"))
        assert [f.code for f in found] == [FindingCode.CARD_NUMBER]
        assert "1111" not in found[0].message

    def test_findings_in_a_field_come_in_text_order(self):
        text = 'Paid 4111111111111111, CT said "this sucks" lol'
        found = check_note(note(resolution=text))
        assert codes(found) == [FindingCode.CARD_NUMBER, FindingCode.DIRECT_QUOTE, FindingCode.PROFANITY,
                                FindingCode.SLANG]


def test_every_finding_code_has_a_one_sentence_description():
    assert set(FINDING_DESCRIPTIONS) == set(FindingCode)
    assert all(d.endswith(".") and d.count(". ") == 0 for d in FINDING_DESCRIPTIONS.values())
