"""Who may request a contact change: the holder or an authorized contact, matched by name (no database)."""

import pytest

from resolvers.rules.requesters import (
    Contact,
    RequesterKind,
    identify,
    name_key,
    names_match,
    says_holder,
)

SON = Contact(id=7, name="Alexander Erickson", relationship="son")
WIFE = Contact(id=8, name="María José Núñez", relationship="wife")


class TestNameMatching:
    @pytest.mark.parametrize(("given", "on_file"), [
        ("john smith", "John Smith"),
        ("  JOHN   SMITH ", "John Smith"),
        ("Maria Jose Nunez", "María José Núñez"),
        ("Sean ONeil", "Seán O'Neil"),
        ("Anne-Marie Roy", "Anne Marie Roy"),
    ])
    def test_case_accents_punctuation_and_spacing_do_not_matter(self, given, on_file):
        assert names_match(given, on_file)

    def test_different_names_and_blanks_do_not_match(self):
        assert not names_match("John Smith", "Jon Smith")
        assert not names_match("", "")
        assert not names_match("   ", None)

    def test_key_is_folded(self):
        assert name_key(" José\tNÚÑEZ ") == "jose nunez"


class TestHolderRelationship:
    @pytest.mark.parametrize("relationship", [None, "", "  ", "self", "Self", "Account Holder", "account-holder",
                                              "OWNER"])
    def test_means_the_holder_speaks(self, relationship):
        assert says_holder(relationship)

    @pytest.mark.parametrize("relationship", ["son", "wife", "employee", "attorney"])
    def test_others(self, relationship):
        assert not says_holder(relationship)


class TestIdentify:
    def test_holder_by_name_without_relationship(self):
        verdict = identify("John Smith", [SON], "john  smith", None)
        assert verdict.kind is RequesterKind.ACCOUNT_HOLDER
        assert verdict.is_account_holder
        assert verdict.relationship is None
        assert verdict.contact_id is None

    def test_holder_saying_self(self):
        assert identify("John Smith", [], "John Smith", "self").kind is RequesterKind.ACCOUNT_HOLDER

    def test_authorized_contact_with_relationship(self):
        verdict = identify("John Smith", [SON, WIFE], "maria jose nunez", " Wife ")
        assert verdict.kind is RequesterKind.AUTHORIZED_CONTACT
        assert verdict.authorized
        assert verdict.contact_id == 8
        assert verdict.relationship == "Wife"
        assert not verdict.is_account_holder

    def test_authorized_contact_must_give_a_relationship(self):
        verdict = identify("John Smith", [SON], "Alexander Erickson", "")
        assert verdict.kind is RequesterKind.NOT_AUTHORIZED
        assert "relationship" in verdict.why_not

    def test_stranger_is_refused(self):
        verdict = identify("John Smith", [SON], "Jane Roe", "neighbor")
        assert not verdict.authorized
        assert "Jane Roe" in verdict.why_not

    def test_claiming_to_be_the_holder_under_another_name_is_refused(self):
        assert identify("John Smith", [SON], "Alexander Erickson", "self").kind is RequesterKind.NOT_AUTHORIZED

    def test_holder_name_with_another_relationship_is_not_the_holder(self):
        # "John Smith, son": a junior with his father's name is authorized only if listed
        assert identify("John Smith", [], "John Smith", "son").kind is RequesterKind.NOT_AUTHORIZED
        junior = Contact(id=9, name="John Smith", relationship="son")
        assert identify("John Smith", [junior], "John Smith", "son").contact_id == 9

    def test_no_name_is_refused(self):
        assert identify("John Smith", [SON], "  ", None).kind is RequesterKind.NOT_AUTHORIZED
