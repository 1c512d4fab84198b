"""`csrgraph documents add|list|remove|check|manifest` on both engines, with each kind of file."""

import hashlib
import json
import uuid

import pytest

from resolvers.rules.persisted_files import APOLLO_FORMAT, sha256_of
from tests.api.persisted.helpers import MANIFEST_PATH, SPA, SPA_DIR, auth, register


def operation(name: str, field: str = "role") -> str:
    return f"query {name} {{ viewer {{ {field} }} }}"


@pytest.fixture
def names() -> list[str]:
    """Operation names no other test registers (the database is shared by the session)."""
    tag = uuid.uuid4().hex[:8]
    return [f"Cli{tag}{n}" for n in range(3)]


def relay_file(tmp_path, *texts: str):
    path = tmp_path / "persisted_queries.json"
    path.write_text(json.dumps({sha256_of(t): t for t in texts}))
    return path


def apollo_file(tmp_path, *texts: str):
    path = tmp_path / "persisted-query-manifest.json"
    operations = [{"id": sha256_of(t), "name": t.split()[1], "type": "query", "body": t} for t in texts]
    path.write_text(json.dumps({"format": APOLLO_FORMAT, "version": 1, "operations": operations}))
    return path


def graphql_files(tmp_path, *texts: str):
    paths = []
    for text in texts:
        paths.append(tmp_path / f"{text.split()[1]}.graphql")
        paths[-1].write_text(text)
    return paths


@pytest.mark.parametrize("kind", ["relay", "apollo", "graphql"])
async def test_add_list_remove_each_kind_of_file(cli, api, tenant, tmp_path, names, kind):
    texts = [operation(n) for n in names]
    files = {"relay": lambda: [relay_file(tmp_path, *texts)], "apollo": lambda: [apollo_file(tmp_path, *texts)],
             "graphql": lambda: graphql_files(tmp_path, *texts)}[kind]()
    code, out, err = await cli("documents", "add", *map(str, files))
    assert code == 0
    assert "3 registered, 0 now trusted, 0 already registered" in err
    assert sorted(out.splitlines()) == sorted(
        f"sha256:{sha256_of(t)}\t{n}\tregistered" for t, n in zip(texts, names, strict=False)
    )
    # listed, and each runs by its id
    listing = (await cli("documents", "list"))[1].splitlines()
    mine = [line.split("\t")[:4] for line in listing if line.split("\t")[1] in names]
    assert mine == [[f"sha256:{sha256_of(t)}", n, kind, "trusted"] for t, n in zip(texts, names, strict=False)]
    response = await api.client.post("/graphql", json={"documentId": f"sha256:{sha256_of(texts[0])}"},
                                     headers=auth(tenant.agent))
    assert response.json() == {"data": {"viewer": {"role": "AGENT"}}}
    # adding again changes nothing
    code, out, err = await cli("documents", "add", *map(str, files))
    assert code == 0
    assert "0 registered, 0 now trusted, 3 already registered" in err
    # removed by either spelling of the id; an unknown id is said
    code, out, err = await cli("documents", "remove", f"sha256:{sha256_of(texts[0])}", sha256_of(texts[1]))
    assert code == 0
    assert len(out.splitlines()) == 2
    code, out, err = await cli("documents", "remove", f"sha256:{sha256_of(texts[0])}", f"sha256:{sha256_of(texts[2])}")
    assert code == 1
    assert out == f"sha256:{sha256_of(texts[2])}\tremoved"
    assert sha256_of(texts[0]) in err
    assert not [line for line in (await cli("documents", "list"))[1].splitlines() if line.split("\t")[1] in names]


async def test_one_document_that_does_not_validate_registers_none(cli, tmp_path, names):
    good, bad = operation(names[0]), operation(names[1], field="nope")
    code, out, err = await cli("documents", "add", str(relay_file(tmp_path, good, bad)))
    assert code == 1
    assert out == ""
    assert f"sha256:{sha256_of(bad)}: Cannot query field 'nope' on type 'Viewer'." in err
    assert "(line 1, column 31)" in err
    assert not [line for line in (await cli("documents", "list"))[1].splitlines() if line.split("\t")[1] in names]


@pytest.mark.parametrize("content, message", [
    (lambda t: {hashlib.md5(t.encode()).hexdigest(): t}, 'persistConfig "algorithm" to "SHA256"'),
    (lambda t: {sha256_of(t + " "): t}, "is not the SHA-256 of its text"),
])
async def test_an_id_that_is_not_the_texts_sha256_registers_nothing(cli, tmp_path, names, content, message):
    path = tmp_path / "q.json"
    path.write_text(json.dumps(content(operation(names[0]))))
    code, _, err = await cli("documents", "add", str(path))
    assert code == 1
    assert message in err


@pytest.mark.parametrize(
    "text",
    [
        "{ viewer { role } } {",
        "query Deep { customers(first: 1) { edges { node { master { "
        "master { master { master { master { master { master { master { master { master { master"
        " { id } } } } } } } } } } } } } } }",
    ],
)
async def test_documents_past_the_request_limits_are_refused(cli, tmp_path, text):
    path = tmp_path / "Limits.graphql"
    path.write_text(text)
    code, _, err = await cli("documents", "add", str(path))
    assert code == 1
    assert ("Syntax Error" in err or "exceeds maximum operation depth of 12" in err)


async def test_a_document_registered_by_apq_becomes_trusted_and_list_all_shows_apq_ones(cli, database, tmp_path, names):
    text = operation(names[0])
    await register(database, text, trusted=False)
    line = [f"sha256:{sha256_of(text)}", names[0], "apq", "apq"]
    assert line in [entry.split("\t")[:4] for entry in (await cli("documents", "list", "--all"))[1].splitlines()]
    assert names[0] not in (await cli("documents", "list"))[1]
    code, out, err = await cli("documents", "add", *map(str, graphql_files(tmp_path, text)))
    assert code == 0
    assert out == f"sha256:{sha256_of(text)}\t{names[0]}\tnow trusted"


async def test_remove_refuses_malformed_ids_and_removes_nothing(cli, database, names):
    [document_id] = await register(database, operation(names[0]))
    code, _, err = await cli("documents", "remove", document_id, "md5:abc")
    assert code == 2
    assert "md5:abc" in err
    assert names[0] in (await cli("documents", "list"))[1]


async def test_check_passes_with_valid_documents(cli, database, names):
    await register(database, operation(names[0]))
    code, _, err = await cli("documents", "check")
    assert code == 0
    assert "registered documents validate against this schema" in err


async def test_the_spa_manifest_is_the_manifest_of_its_graphql_files(cli, tmp_path):
    out = tmp_path / "manifest.json"
    code, _, err = await cli("documents", "manifest", str(SPA_DIR / "operations"), "--output", str(out))
    assert code == 0
    assert f"({len(SPA)} operations)" in err
    assert out.read_text() == MANIFEST_PATH.read_text()  # regenerate with: make spa-manifest


async def test_the_spa_manifest_registers(cli):
    code, out, _ = await cli("documents", "add", str(MANIFEST_PATH))
    assert code == 0
    assert {line.split("\t")[1] for line in out.splitlines()} == set(SPA)
    listed = {line.split("\t")[0] for line in (await cli("documents", "list"))[1].splitlines()}
    assert {f"sha256:{operation['id']}" for operation in SPA.values()} <= listed


def test_the_spa_documents_are_its_screens_and_the_mutations_it_sends():
    screens = {"Viewer", "CustomerSearch", "CustomerProfile", "CommunicationLogTab", "ArTab", "AccountsTab", "Timeline"}
    mutations = {"AddNote", "AddMemo", "PostPayment", "ReversePayment", "UpdateContactInfo", "CreateTicket",
                 "EnrollUtilityAccount"}
    assert {n for n, o in SPA.items() if o["type"] == "query"} == screens
    assert {n for n, o in SPA.items() if o["type"] == "mutation"} == mutations
