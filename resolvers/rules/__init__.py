"""Pure business rules: no I/O, no database, no GraphQL. Inputs and outputs are plain values."""
