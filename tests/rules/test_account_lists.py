"""The accounts of a bulk note: typed lists, uploaded CSVs, and what makes an entry invalid (no database)."""

import codecs

import pytest

from resolvers.rules.account_lists import (
    Entry,
    MalformedAccountList,
    invalid_reason,
    parse_csv,
    parse_typed_list,
)


def numbers(parsed):
    return [e.number for e in parsed.entries]


def lines(parsed):
    return [(e.line, e.number) for e in parsed.entries]


class TestTypedList:
    def test_mixed_separators_and_blank_entries(self):
        parsed = parse_typed_list("0012345, 67890;ABC-1\n\n 555 ,,; 777\r\n")
        assert lines(parsed) == [(1, "0012345"), (2, "67890"), (3, "ABC-1"), (4, "555"), (5, "777")]

    def test_quotes_are_stripped_and_the_raw_entry_kept(self):
        assert parse_typed_list('"00123", \'456\'').entries == (Entry(1, '"00123"', "00123"), Entry(2, "'456'", "456"))

    def test_an_empty_list_has_no_entries(self):
        assert parse_typed_list(" ,\n ; ").entries == ()

    def test_more_entries_than_the_limit_names_the_first_one_over(self):
        with pytest.raises(MalformedAccountList) as e:
            parse_typed_list("1, 2, 3, 4", max_entries=3)
        assert e.value.line == 4


class TestCsv:
    def test_without_a_header_every_row_is_an_account_from_the_first_column(self):
        parsed = parse_csv(b"0012345,Smith\n67890,Jones\n")
        assert parsed.entries == (Entry(1, "0012345", "0012345"), Entry(2, "67890", "67890"))

    @pytest.mark.parametrize("header", ["account_number", "Account No", "LDC", "ESI ID", "Notes"])
    def test_a_header_row_is_skipped_and_line_numbers_stay_physical(self, header):
        assert lines(parse_csv(f"{header}\n111\n222\n".encode())) == [(2, "111"), (3, "222")]

    def test_bom_and_crlf(self):
        data = codecs.BOM_UTF8 + b"Account Number\r\n111\r\n\r\n222\r\n"
        assert lines(parse_csv(data)) == [(2, "111"), (4, "222")]

    def test_quoted_fields_may_hold_commas_and_line_breaks(self):
        data = b'name,account\n"Smith, Ann",00111\n"Jones,\nBob","00222"\n"Lee",333\n'
        assert lines(parse_csv(data)) == [(2, "00111"), (3, "00222"), (5, "333")]

    @pytest.mark.parametrize("header, expected", [
        ("Customer Name,LDC Account,Status", "L-1"),
        ("Account Name,Account Number,Status", "L-1"),   # a name column is never the account column
        ("Customer Number,Name,ESI", "S-1"),              # "esi" is a stronger hint than "number"
        ("Name,Status,acct", "S-1"),
        ("Name,Status,Notes", "N-1"),                     # a header naming no account column: the first
    ])
    def test_a_header_naming_the_account_column_picks_it(self, header, expected):
        assert numbers(parse_csv(f"{header}\nN-1,L-1,S-1\n".encode())) == [expected]

    def test_blank_lines_and_blank_cells_are_ignored_but_a_row_without_its_account_is_kept(self):
        # given a header naming the second column, blank lines, a blank row and a row missing that column
        data = b"name,account\n\nAnn,111\n , \n,,\nBob\n"
        # then blank rows vanish and the short row is an empty entry (an INVALID outcome later)
        assert lines(parse_csv(data)) == [(3, "111"), (6, "")]

    def test_whitespace_quotes_and_a_spreadsheet_apostrophe_are_stripped_and_leading_zeros_kept(self):
        parsed = parse_csv(b"  00123  \n'00456\n\" 789 \"\n")
        assert [(e.raw, e.number) for e in parsed.entries] == [("  00123  ", "00123"), ("'00456", "00456"),
                                                               (" 789 ", "789")]

    def test_unquoted_and_quoted_files_read_the_same(self):
        plain = b"acct,name\r\n001,Ann\r\n\r\n002,Bob\r\n003\r\n"
        quoted = b'"acct","name"\r\n"001","Ann"\r\n\r\n"002","Bob"\r\n"003"\r\n'
        assert parse_csv(plain) == parse_csv(quoted)

    @pytest.mark.parametrize("data", [b"", b"\n\r\n", codecs.BOM_UTF8, b"account_number\n"])
    def test_files_without_accounts(self, data):
        assert parse_csv(data).entries == ()


class TestMalformedCsv:
    def test_bad_quoting_is_explained(self):
        with pytest.raises(MalformedAccountList, match="never closed"):
            parse_csv(b'111\n"222\n')
        with pytest.raises(MalformedAccountList, match="follows a closing quote"):
            parse_csv(b'"111"2\n')

    @pytest.mark.parametrize("data, line", [
        (b'111\n222\n"333\n444\n', 3),          # the quote opened on line 3 never closes
        (b'111\n"222"x,1\n333\n', 2),           # text after a closing quote
        (b"111\n222\n3\x0033\n", 3),
        (b"111\n222\n\xff\xfe33\n", 3),
        (b"\xff111\n", 1),
    ])
    def test_the_line_to_fix_is_named(self, data, line):
        with pytest.raises(MalformedAccountList) as e:
            parse_csv(data)
        assert e.value.line == line
        assert str(e.value).startswith(f"Line {line}: ")

    @pytest.mark.parametrize("data, line", [
        (b"1\n2\n\n3\n4\n", 5),                 # no header: the 4th entry is on line 5
        (b"account\n1\n2\n3\n4\n", 5),          # a header does not count as an entry
        (b'"account"\n1\n"2"\n3\n4\n', 5),
    ])
    def test_more_entries_than_the_limit_names_the_first_line_over(self, data, line):
        with pytest.raises(MalformedAccountList) as e:
            parse_csv(data, max_entries=3)
        assert e.value.line == line

    def test_exactly_the_limit_is_fine(self):
        assert len(parse_csv(b"account\n1\n2\n3\n", max_entries=3).entries) == 3


class TestInvalidReason:
    @pytest.mark.parametrize("number", ["0012345", "10443720000000001", "ABC-123", "a" * 40, "7"])
    def test_letters_digits_and_dashes_are_plausible(self, number):
        assert invalid_reason(number) is None

    @pytest.mark.parametrize("number, reason", [
        ("", "is empty"),
        ("1" * 41, "is longer than 40 characters"),
        ("123 456", "contains spaces"),
        ("123#456", "contains '#'"),
        ("12.5", "contains '.'"),
        ("１２３", "contains '１'"),
    ])
    def test_anything_else_says_why(self, number, reason):
        assert invalid_reason(number) == reason
