"""Card numbers in free text: the Luhn check, finding them, masking them (no database)."""

import pytest

from resolvers.rules.card_numbers import (
    Span,
    find_card_numbers,
    luhn_valid,
    mask_card_numbers,
)


class TestLuhn:
    @pytest.mark.parametrize("digits", ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
                                        "4012888888881881"])
    def test_known_test_card_numbers_are_valid(self, digits):
        assert luhn_valid(digits)

    @pytest.mark.parametrize("digits", ["4111111111111112", "5555555555554445", "378282246310006", "10443720000000001"])
    def test_one_digit_off_is_invalid(self, digits):
        assert not luhn_valid(digits)

    @pytest.mark.parametrize("text", ["", "4111-1111-1111-1111", "411111111111111a", "４１１１"])
    def test_anything_but_ascii_digits_is_invalid(self, text):
        assert not luhn_valid(text)


class TestFindCardNumbers:
    @pytest.mark.parametrize("card", ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",
                                      "3782 822463 10005", "378282246310005", "4111 1111 1111 1111 110",
                                      "4111111111119"])
    def test_grouped_dashed_and_plain_cards_are_found_with_their_span(self, card):
        text = f"Paid with {card}, thanks."
        assert find_card_numbers(text) == [Span(10, 10 + len(card))]

    def test_every_card_in_a_text_is_found(self):
        text = "old 4111111111111111 new 5555-5555-5555-4444"
        assert find_card_numbers(text) == [Span(4, 20), Span(25, 44)]

    def test_a_card_is_found_next_to_other_numbers(self):
        # given a reference number before it and an expiry after it, separated by single spaces
        text = "ref 12 4111 1111 1111 1111 exp 12/25"
        # then only the card's groups make the span
        assert find_card_numbers(text) == [Span(7, 26)]

    @pytest.mark.parametrize("text", [
        "Call back on 215-555-0123.",
        "Submitted refund request for $49.98.",
        "Process refund to CC ending in 2320",
        "ESI ID 10443720000000001",           # fails Luhn
        "ESI ID 10443720000000007",           # passes Luhn, but no card starts with 1
        "run 41111111111111111115",           # 20 digits, though its first 16 pass Luhn
        "short 411111111117",                 # 12 digits
        "invoice INV4111111111111111",        # part of a longer token
        "token 4111111111111111A",
        "mixed 4111 1111-1111 1111",          # a card is printed with one kind of separator
        "spaced 4111  1111  1111  1111",      # double spaces break the run
    ])
    def test_other_digit_runs_are_not_cards(self, text):
        assert find_card_numbers(text) == []


class TestMaskCardNumbers:
    @pytest.mark.parametrize("card, masked", [
        ("4111 1111 1111 1111", "**** **** **** 1111"),
        ("4111-1111-1111-1111", "****-****-****-1111"),
        ("4111111111111111", "************1111"),
        ("3782 822463 10005", "**** ****** *0005"),
    ])
    def test_every_digit_but_the_last_four_is_masked_and_separators_kept(self, card, masked):
        assert mask_card_numbers(f"CC {card} on file").text == f"CC {masked} on file"

    def test_spans_point_into_the_original_text(self):
        # given a text with a card
        text = "Card 5555 5555 5555 4444 declined, call 215-555-0123"
        # when it is masked
        result = mask_card_numbers(text)
        # then the span covers the card in the original, and masking keeps every offset
        assert result.spans == (Span(5, 24),)
        assert text[5:24] == "5555 5555 5555 4444"
        assert len(result.text) == len(text)
        assert "5555 5555" not in result.text
        assert result.text.endswith("4444 declined, call 215-555-0123")

    def test_text_without_cards_is_unchanged(self):
        text = "Refund of $49.98 to CC ending in 2320, ESI 10443720000000001."
        assert mask_card_numbers(text).text == text
        assert mask_card_numbers(text).spans == ()
