"""Files sent by the GraphQL multipart request spec, checked and read before any SQL runs."""

from starlette.datastructures import UploadFile

from resolvers.commlog.bulk_notes.commands import AccountFile
from resolvers.errors import Invalid

MULTIPART_ONLY = "Send the file as a multipart upload (GraphQL multipart request spec)."


def uploaded_file(value: object, field: str = "file") -> UploadFile:
    """The Starlette UploadFile an `Upload` argument holds; Invalid for anything else (a string in JSON variables).

    Strawberry declares `Upload` a NewType of bytes; behind its ASGI view the value is Starlette's UploadFile.
    """
    if not isinstance(value, UploadFile):
        raise Invalid(MULTIPART_ONLY, field)
    return value


async def read_upload(value: object | None) -> AccountFile | None:
    """An uploaded list of accounts, read whole (its size is capped by the upload limits); None for no file."""
    if value is None:
        return None
    file = uploaded_file(value)
    return AccountFile(filename=file.filename or "", data=await file.read())
