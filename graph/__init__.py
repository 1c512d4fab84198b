"""The GraphQL layer: Strawberry types, loaders, schema, the Starlette app and the CLI."""
