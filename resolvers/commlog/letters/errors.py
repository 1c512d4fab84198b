"""Error codes of letters, documents and notifications (unique across domains)."""

import enum


class LetterErrorCode(enum.StrEnum):
    TEMPLATE_NOT_CHOSEN = "TEMPLATE_NOT_CHOSEN"
    TEMPLATE_INACTIVE = "TEMPLATE_INACTIVE"
    TEMPLATE_RENDER_FAILED = "TEMPLATE_RENDER_FAILED"
    NO_EMAIL_ADDRESS = "NO_EMAIL_ADDRESS"
    NO_MAILING_ADDRESS = "NO_MAILING_ADDRESS"
    BLANK_REASON = "BLANK_REASON"
    REASON_TOO_LONG = "REASON_TOO_LONG"
    UNPRINTABLE_CHARACTERS = "UNPRINTABLE_CHARACTERS"


DESCRIPTIONS = {
    LetterErrorCode.TEMPLATE_NOT_CHOSEN: "Choose the letter by exactly one of templateId or templateCode.",
    LetterErrorCode.TEMPLATE_INACTIVE: "The letter template is retired and can no longer be sent.",
    LetterErrorCode.TEMPLATE_RENDER_FAILED: "The template could not be rendered into a PDF; the message says why.",
    LetterErrorCode.NO_EMAIL_ADDRESS: "The customer has no email address on file; send by MAIL or add an email first.",
    LetterErrorCode.NO_MAILING_ADDRESS: "The customer has no complete billing address on file to mail the letter to.",
    LetterErrorCode.BLANK_REASON: "A resend needs a reason.",
    LetterErrorCode.REASON_TOO_LONG: "The reason is longer than a resend allows; the message says the limit.",
    LetterErrorCode.UNPRINTABLE_CHARACTERS: (
        "The PDF would show some characters as empty boxes, so it is not sent: its font covers Latin (every "
        "diacritic, Vietnamese included), Greek, Cyrillic, Armenian and Georgian letters, left to right. "
        "The message lists the characters."),
}
