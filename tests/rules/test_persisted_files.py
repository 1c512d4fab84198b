"""Document identifiers and the files documents are registered from (no database, no schema)."""

import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resolvers.rules.persisted_files import (
    APOLLO_FORMAT,
    DocumentFileError,
    document_id,
    document_key,
    read_document_file,
    sha256_of,
)

SPEC_EXAMPLE = "query ($id: ID!) {\n  user(id: $id) {\n    name\n  }\n}"  # the persisted-documents appendix's
SPEC_EXAMPLE_ID = "sha256:7dba4bd717b41f10434822356a93c32b1fb4907b983e854300ad839f84cdcd6e"
VIEWER = "query Viewer { viewer { role } }"
NOTE = "mutation AddNote($i: AddNoteInput!) { addNote(input: $i) { userErrors { code } } }"
documents = st.text(min_size=1).filter(lambda t: t.strip())


def test_the_appendix_example_has_its_published_identifier():
    assert document_id(sha256_of(SPEC_EXAMPLE)) == SPEC_EXAMPLE_ID
    assert document_id(sha256_of("query($id:ID!){user(id:$id){name}}")) == \
        "sha256:71f7dc5758652baac68e4a10c50be732b741c892ade2883a99358f52b555286b"


@given(documents)
def test_the_key_is_the_hex_sha256_of_the_utf8_text_and_both_spellings_name_it(text):
    key = sha256_of(text)
    assert key == hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    assert document_key(document_id(key)) == key == document_key(key)


@pytest.mark.parametrize("identifier", [
    None, 42, "", "sha256:", "sha256:" + "A" * 64, "sha256:" + "0" * 63, "sha256:" + "0" * 65, "md5:" + "0" * 32,
    "0" * 32, "x-custom:abc", " sha256:" + "0" * 64, "sha256:" + "0" * 64 + "\n", "sha256:" + "g" * 64,
])
def test_anything_else_names_no_document(identifier):
    assert document_key(identifier) is None


class TestRelay:
    def test_ids_that_are_the_sha256_of_their_text_are_read(self):
        content = json.dumps({sha256_of(VIEWER): VIEWER, sha256_of(NOTE): NOTE})
        found = read_document_file("persisted_queries.json", content)
        assert [(d.sha256, d.body, d.source) for d in found] == [
            (sha256_of(VIEWER), VIEWER, "relay"), (sha256_of(NOTE), NOTE, "relay")]

    @pytest.mark.parametrize("algorithm", ["md5", "sha1"])
    def test_relays_other_algorithms_are_refused_saying_which_setting_to_change(self, algorithm):
        identifier = hashlib.new(algorithm, VIEWER.encode()).hexdigest()
        with pytest.raises(DocumentFileError, match='persistConfig "algorithm" to "SHA256"'):
            read_document_file("q.json", json.dumps({identifier: VIEWER}))

    def test_an_id_of_another_text_is_refused_naming_it(self):
        with pytest.raises(DocumentFileError, match=f"id '{sha256_of(NOTE)}' is not the SHA-256 of its text"):
            read_document_file("q.json", json.dumps({sha256_of(NOTE): VIEWER}))


class TestApollo:
    def manifest(self, *operations: dict) -> str:
        return json.dumps({"format": APOLLO_FORMAT, "version": 1, "operations": list(operations)})

    def test_operations_are_read(self):
        content = self.manifest({"id": sha256_of(VIEWER), "name": "Viewer", "type": "query", "body": VIEWER})
        assert [(d.sha256, d.body, d.source) for d in read_document_file("m.json", content)] == [
            (sha256_of(VIEWER), VIEWER, "apollo")]

    @pytest.mark.parametrize("content, message", [
        (json.dumps({"format": "other", "version": 1, "operations": []}), "needs \"format\""),
        (json.dumps({"format": APOLLO_FORMAT, "version": 2, "operations": []}), "\"version\": 1"),
        (json.dumps({"format": APOLLO_FORMAT, "version": 1, "operations": {}}), "must be a list"),
        (json.dumps({"format": APOLLO_FORMAT, "version": 1, "operations": [{"id": "x"}]}), "has no \"body\""),
        (json.dumps({"format": APOLLO_FORMAT, "version": 1, "operations": [
            {"id": sha256_of(NOTE), "body": VIEWER}]}), "is not the SHA-256 of its text"),
        (json.dumps({"format": APOLLO_FORMAT, "version": 1, "operations": [{"id": None, "body": VIEWER}]}),
         "None is not the SHA-256"),
    ])
    def test_malformed_manifests_are_refused(self, content, message):
        with pytest.raises(DocumentFileError, match=message):
            read_document_file("m.json", content)


class TestGraphqlFiles:
    @pytest.mark.parametrize("name", ["Viewer.graphql", "viewer.GQL"])
    def test_the_whole_text_is_one_document_byte_for_byte(self, name):
        text = VIEWER + "\n\n# trailing comment\n"
        assert [(d.sha256, d.body, d.source) for d in read_document_file(name, text)] == [
            (sha256_of(text), text, "graphql")]

    def test_an_empty_file_is_refused(self):
        with pytest.raises(DocumentFileError, match="empty"):
            read_document_file("Empty.graphql", " \n")


@pytest.mark.parametrize("content", ["not json", "[]", "{}", '{"a": 1}', '"text"', "null"])
def test_other_files_are_refused(content):
    with pytest.raises(DocumentFileError):
        read_document_file("what.json", content)
