"""Arguments shared by several domains' fields on Customer."""

from typing import Annotated

import strawberry

Rollup = Annotated[bool, strawberry.argument(description="Include the customers directly under this master (roll-up).")]
